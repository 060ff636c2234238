import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { citizenSite } from './en/citizen-site';
import { loadEnglish } from './english';
import { hasEnglish, i18nFor, provideEnglish, stringSetOf } from './i18n';
import { TYPE_LABELS } from '../ui/labels';
import { SATISFACTION_LABELS } from '../ui/policy-evaluation-labels';
import { WEB_APPEAL_TYPES } from '../citizen/web-appeal-types';

describe('the sets of English strings', () => {
  it('a page takes the set of its deepest route that names one, the staff set otherwise', () => {
    expect(stringSetOf([{ handle: undefined }, { handle: { ownFrame: true, strings: 'citizen' } }, {}])).toBe(
      'citizen',
    );
    expect(stringSetOf([{}, { handle: { strings: 'citizen' } }, { handle: { strings: 'staff' } }])).toBe('staff');
    expect(stringSetOf([{}, { handle: { strings: 'nonsense' } }])).toBe('staff');
    expect(stringSetOf([])).toBe('staff');
  });

  it('a set reads Chinese until its English is there, then English, each set its own', async () => {
    expect(hasEnglish('citizen')).toBe(false);
    expect(i18nFor('en', 'citizen').t('我要反映')).toBe('我要反映');
    await loadEnglish('citizen');
    expect(i18nFor('en', 'citizen').t('我要反映')).toBe('Report a problem');
    expect(i18nFor('en', 'citizen').t('已受理')).toBe('Received');
    // A staff screen's string is not in the citizens' set.
    const staffOnly = Object.keys(en).find((k) => !(k in citizenSite) && !k.includes('{{'))!;
    expect(i18nFor('en', 'citizen').t(staffOnly)).toBe(staffOnly);
    provideEnglish('staff', en);
    expect(i18nFor('en', 'staff').t(staffOnly)).toBe(en[staffOnly]);
    expect(i18nFor('zh-CN', 'citizen').t('我要反映')).toBe('我要反映');
  });
});

// What the citizens' pages show: the Chinese in their sources (routes c*, the citizen modules whose refusals the
// pages print, the body reader's and error mapper's messages, the language switch), and the labels they look up.
function citizenSiteTexts(): Set<string> {
  const files = [
    ...readdirSync('app/routes')
      .filter((f) => f === 'c.tsx' || f.startsWith('c.') || f.startsWith('c_'))
      .map((f) => `app/routes/${f}`),
    ...readdirSync('app/citizen').map((f) => `app/citizen/${f}`),
    'app/http/body.server.ts',
    'app/http/errors.server.ts',
    'app/http/text.server.ts',
    'app/http/upload.server.ts',
    'app/components/language-switch.tsx',
  ];
  const texts = new Set<string>();
  for (const f of files.filter((f) => !f.includes('.test.'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/['"`]([^'"`\n]*[\u4e00-\u9fff][^'"`\n]*)['"`]/g)) texts.add(m[1]);
  }
  WEB_APPEAL_TYPES.forEach((t) => texts.add(TYPE_LABELS[t]));
  Object.values(SATISFACTION_LABELS).forEach((l) => texts.add(l));
  return texts;
}

describe("the citizens' English", () => {
  it('has every text of the citizens’ pages that the staff English has', () => {
    const texts = citizenSiteTexts();
    expect(texts.size).toBeGreaterThan(50);
    const missing = [...texts].filter((k) => en[k] !== undefined && citizenSite[k] === undefined);
    expect(missing).toEqual([]);
  });
});
