/**
 * The pages' script policy allows no eval (app/http/security-headers.server.ts). In the browser zod would
 * probe for it with `new Function` and compile object parsers with it; jitless it parses the same,
 * interpreted. A schema reads the setting when it is built, so the root route calls this as it loads,
 * before any page's route module builds one. The server keeps the compiled parsers.
 *
 * Set on the object zod keeps its configuration in (globalThis.__zod_globalConfig, shared by every copy of
 * zod) rather than through zod's `config()`: importing any of zod here would put it in every page's scripts,
 * the citizens' pages too, which build no schema in the browser.
 */
export function zodWithoutEval(): void {
  if (typeof document === 'undefined') return;
  const g = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
  g.__zod_globalConfig = Object.assign(g.__zod_globalConfig ?? {}, { jitless: true });
}
