// Chinese search without a Chinese parser (decision 026): a text's tokens are each Han character and each
// pair of neighbouring Han characters, so a two-character word (津贴, 高龄) is one token and a longer one is
// its overlapping pairs. The same rule runs on PGlite and PostgreSQL; a GIN index on the token array answers
// "holds all these tokens", and an ILIKE on the text then checks the characters really stand together.

const HAN_RUN = /\p{Script=Han}+/gu;

/** The text as it is indexed and matched: full-width forms folded, lower case. */
export function searchableText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Every Han character and every pair of neighbouring Han characters of the text, each once. */
export function indexTokens(text: string): string[] {
  const out = new Set<string>();
  for (const run of searchableText(text).match(HAN_RUN) ?? []) {
    const chars = [...run];
    chars.forEach((c, i) => {
      out.add(c);
      if (i + 1 < chars.length) out.add(c + chars[i + 1]);
    });
  }
  return [...out].sort();
}

/** What a query must find: a lone character as itself, a longer run as its pairs. Latin words give none. */
export function queryTokens(term: string): string[] {
  const out = new Set<string>();
  for (const run of searchableText(term).match(HAN_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) out.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  }
  return [...out].sort();
}

/** The words of a query: split on spaces and Chinese punctuation, at most five, each at most 30 characters. */
export function queryTerms(q: string): string[] {
  return searchableText(q)
    .split(/[\s,，、;；。]+/u)
    .map((t) => t.trim())
    .filter(Boolean)
    .slice(0, 5)
    .map((t) => [...t].slice(0, 30).join(''));
}
