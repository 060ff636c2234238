// What a refused import file or form names as wrong, translatable: plain data, so the browser reads it too.

/**
 * One thing wrong with a shape, a line of an import file or a row of a spreadsheet. `key` is the Chinese template (also the i18n
 * key), `params` fill its `{{…}}` slots; `message` is the filled-in Chinese text.
 */
export interface Problem {
  key: string;
  params?: Record<string, string | number>;
  message: string;
}

export function problem(key: string, params?: Record<string, string | number>): Problem {
  const message = params ? key.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? '')) : key;
  return params ? { key, params, message } : { key, message };
}
