import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Renders one page of a PDF with poppler's pdftoppm (the package poppler-utils) and counts the pixels
 * near each of the given colours, so a test can tell that a chart was drawn, not only written as text.
 */
export function pdfColourCounts(
  pdf: Buffer,
  colours: Record<string, readonly [number, number, number]>,
  opts: { page?: number; dpi?: number; keepPng?: string } = {},
): Record<string, number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-pixels-'));
  try {
    const file = path.join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const page = String(opts.page ?? 1);
    const dpi = String(opts.dpi ?? 60);
    execFileSync('pdftoppm', ['-f', page, '-l', page, '-r', dpi, '-singlefile', file, path.join(dir, 'page')]);
    if (opts.keepPng) {
      mkdirSync(path.dirname(opts.keepPng), { recursive: true });
      execFileSync('pdftoppm', ['-f', page, '-l', page, '-r', '110', '-png', '-singlefile', file, opts.keepPng]);
    }
    const ppm = readFileSync(path.join(dir, 'page.ppm'));
    // P6 header: "P6\n<w> <h>\n255\n", then RGB bytes.
    const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
    const pixels = ppm.subarray(header[0].length);
    const out = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
    for (let i = 0; i + 2 < pixels.length; i += 3) {
      for (const [name, [r, g, b]] of Object.entries(colours)) {
        if (Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 60) out[name]++;
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
