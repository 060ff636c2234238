import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, login, screenshot } from './browser';

interface Collection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: { code: string; name: string; community: string; workers: string[] };
    geometry: { type: string; coordinates: unknown };
  }[];
}

const geojson = (name: string, doc: unknown) => ({
  name,
  mimeType: 'application/geo+json',
  buffer: Buffer.from(JSON.stringify(doc)),
});

describe('admin grids', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an admin exports the grids, is told which feature of a bad file is wrong, then imports a good one', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '网格', exact: true }).click();
    await page.waitForURL(/\/admin\/grids$/);
    expect(await page.getByTestId('grid-G01').textContent()).toContain('朝阳街道 › 向阳社区');
    expect(await page.getByTestId('grid-G01').textContent()).toContain('gridworker');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出 GeoJSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('grids.geojson');
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as Collection;
    expect(exported.type).toBe('FeatureCollection');
    expect(exported.features.map((f) => f.properties.code)).toContain('G03');

    // The third feature becomes a bow-tie: the file is refused and the message names it.
    const bad = structuredClone(exported);
    bad.features[2].geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [120, 30],
          [120.01, 30.01],
          [120.01, 30],
          [120, 30.01],
          [120, 30],
        ],
      ],
    };
    bad.features[0].properties.name = '不应写入';
    const form = page.getByRole('form', { name: '导入网格' });
    await form.getByLabel('网格文件（.geojson / .json，不超过 5 MB）').setInputFiles(geojson('bad.geojson', bad));
    await form.getByRole('button', { name: '导入' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toContain(`第 3 个要素（${bad.features[2].properties.code}）：第 1 个环自相交`);
    expect(await page.getByTestId('grid-G01').textContent()).not.toContain('不应写入');
    await screenshot(page, 'admin-grids-refused');

    // A renamed grid and a new one.
    const good = structuredClone(exported);
    good.features[0].properties.name = '向阳社区第1网格（调整）';
    good.features.push({
      type: 'Feature',
      properties: { code: 'G91', name: '滨江新区网格', community: 'M01', workers: ['gridworker'] },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [120.2, 30.2],
            [120.22, 30.2],
            [120.22, 30.21],
            [120.2, 30.21],
            [120.2, 30.2],
          ],
        ],
      },
    });
    await form.getByLabel('网格文件（.geojson / .json，不超过 5 MB）').setInputFiles(geojson('good.geojson', good));
    await form.getByRole('button', { name: '导入' }).click();
    await expect
      .poll(() =>
        form
          .getByRole('status')
          .textContent()
          .catch(() => ''),
      )
      .toBe(`导入完成：新增 1 个，更新 1 个，未变 ${exported.features.length - 1} 个`);
    const row = page.getByTestId('grid-G91');
    await row.waitFor();
    expect(await row.textContent()).toContain('滨江新区网格');
    expect(await row.textContent()).toContain('2.14');
    expect(await page.getByTestId('grid-G01').textContent()).toContain('向阳社区第1网格（调整）');
    await screenshot(page, 'admin-grids');
    await page.context().close();
  });

  it('shows the screen and the problems of a refused file in English', async () => {
    const page = await login(browser, 'admin');
    await page.getByTestId('home-title').waitFor();
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto('/admin/grids');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Grid management');
    const form = page.getByRole('form', { name: 'Import grids' });
    const open = [
      [120, 30],
      [120.01, 30],
      [120.01, 30.01],
      [120, 30.01],
    ];
    await form.getByLabel('Grid file (.geojson / .json, at most 5 MB)').setInputFiles(
      geojson('bad.geojson', {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: 'G98', name: '坏网格', community: 'M99' },
            geometry: { type: 'MultiPolygon', coordinates: [[[...open, open[0]]], [open]] },
          },
        ],
      }),
    );
    await form.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toContain(
        'Feature 1 (G98): Part 2, ring 1 is not closed (the last position must equal the first); There is no community with code M99',
      );
    await screenshot(page, 'admin-grids-english');
    await page.context().close();
  });
});
