// Only zod's core config: importing all of zod here would put it in every page's scripts.
import { config } from 'zod/v4/core';

/**
 * The pages' script policy allows no eval (app/http/security-headers.server.ts). In the browser zod would
 * probe for it with `new Function` and compile object parsers with it; jitless it parses the same,
 * interpreted. A schema reads the setting when it is built, so the root route calls this as it loads,
 * before any page's route module builds one. The server keeps the compiled parsers.
 */
export function zodWithoutEval(): void {
  if (typeof document !== 'undefined') config({ jitless: true });
}
