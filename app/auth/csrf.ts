// Where a form or a script sends its CSRF token; shared by the pages (app/ui/csrf.tsx) and the reader.
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
