import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { baseUrl } from './browser';

// The citizens' pages must load on a cheap phone over a slow network: what the browser fetches for each (the HTML,
// every script it preloads, every stylesheet), gzipped as it travels, stays within a budget. The figures are printed.

// About 120 KB today (docs/BENCHMARKS.md): React, the router and i18next are most of it. The staff bars, zod and the
// staff screens' English never reach these pages; a page that brings in a heavy library loads it lazily.
const BUDGET_KB = 150;
const PAGES = [
  '/c',
  '/c/submit',
  '/c/track/not-a-real-link-000000000000',
  '/c/mine',
  '/c/help?q=%E5%85%AC%E7%A7%AF%E9%87%91',
];

const gzippedKb = (bytes: Uint8Array) => gzipSync(bytes, { level: 6 }).length / 1024;

async function weigh(path: string) {
  const res = await fetch(new URL(path, baseUrl()));
  const html = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(html);
  const assets = [...text.matchAll(/<link rel="(modulepreload|stylesheet)" href="([^"]+)"/g)].map((m) => ({
    kind: m[1] === 'stylesheet' ? 'css' : 'js',
    href: m[2],
  }));
  const sizes = { html: gzippedKb(html), js: 0, css: 0 };
  for (const a of new Map(assets.map((x) => [x.href, x])).values()) {
    const body = await fetch(new URL(a.href, baseUrl()));
    expect(body.ok, a.href).toBe(true);
    sizes[a.kind as 'js' | 'css'] += gzippedKb(new Uint8Array(await body.arrayBuffer()));
  }
  return { ...sizes, scripts: assets.filter((a) => a.kind === 'js').length };
}

describe("the citizens' pages' weight", () => {
  it(`stays under ${BUDGET_KB} KB gzipped per page, HTML, scripts and styles together`, async () => {
    for (const path of PAGES) {
      const w = await weigh(path);
      const total = w.html + w.js + w.css;
      console.log(
        `page weight ${path}: ${total.toFixed(1)} KB gzipped (html ${w.html.toFixed(1)}, js ${w.js.toFixed(1)} in ` +
          `${w.scripts} files, css ${w.css.toFixed(1)}), budget ${BUDGET_KB} KB`,
      );
      expect(w.scripts).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(BUDGET_KB);
    }
  });
});
