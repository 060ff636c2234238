import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { login, screenshot } from './browser';
import {
  awaitSms,
  enterCode,
  fillAndVerify,
  fillComplaint,
  newPhone,
  phonePage,
  useCitizenBrowser,
} from './citizen-page';
import { act, chooseUnits, open, phase, submit, triageRow, openByNumber } from './journeys';
import { gpsOf, jpegWithGps } from '../support/photos';

// The citizens' own site (/c) on a phone's screen: an appeal filed with an SMS code read from the development
// gateway, with two photos and a point on the map, found by the dispatcher in triage as 网站 with both and the photo's
// GPS gone, followed by its private link through dispatch and the
// approved answer; and a wrong link, a guessed number or a spent code that shows nothing private.

const ANSWER = '已安排城管队员现场劝导，摊位已退回市场内经营，并将每日巡查。';

const COMPLAINT = {
  content: '和平路菜市场门口的商户把摊位摆到人行道上，早晚高峰老人和孩子只能走机动车道。',
  location: '东城区和平路 12 号',
  name: '李女士',
};

describe("the citizens' site at 375 px", () => {
  const site = useCitizenBrowser();

  let trackUrl = '';
  let number = '';
  let phone = '';

  it('(a) files an appeal with an SMS code and shows its number; the dispatcher finds it in triage as 网站', async () => {
    const page = await phonePage(site.browser);
    await page.goto('/c');
    await page.getByTestId('start-submit').click();
    await page.getByTestId('submit-appeal').waitFor();
    phone = newPhone();
    await fillAndVerify(page, phone, COMPLAINT);
    // Two photos: a big one the browser makes smaller, and a small phone JPEG that says where it was taken.
    const big = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#15803d' } })
      .png()
      .toBuffer();
    const doorstep = await jpegWithGps();
    expect(await gpsOf(doorstep)).not.toBeNull();
    await page.getByTestId('photo-input').setInputFiles([
      { name: 'street.png', mimeType: 'image/png', buffer: big },
      { name: 'doorstep.jpg', mimeType: 'image/jpeg', buffer: doorstep },
    ]);
    await expect.poll(() => page.getByTestId('photo-thumb').count()).toBe(2);
    await page.getByTestId('photo-busy').waitFor({ state: 'detached' });
    // The place, tapped on the map's grid G08.
    await page.locator('path.grid-G08').click();
    await expect.poll(() => page.getByTestId('place-picked').textContent()).toBe('已在地图上选定位置');
    const lat = Number(await page.locator('input[name="lat"]').inputValue());
    const lng = Number(await page.locator('input[name="lng"]').inputValue());
    expect(lat).toBeGreaterThan(30.2);
    expect(lng).toBeGreaterThan(120.1);
    await screenshot(page, 'citizen-submit-filled');
    await page.getByTestId('submit-appeal').click();
    await page.getByTestId('submitted').waitFor();
    number = (await page.getByTestId('appeal-number').textContent())!.trim();
    expect(number).toMatch(/^\d{8}-\d{6}$/);
    expect(await page.getByTestId('public-status').textContent()).toBe('已受理');
    // No staff navigation and nothing fits wider than the phone.
    expect(await page.getByTestId('home-title').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'citizen-submitted');
    // The link comes by SMS too, with the number.
    const [link] = await awaitSms(phone, new RegExp(`诉求 ${number} .*?(https?://\\S+/c/track/[A-Za-z0-9_-]+)`));
    trackUrl = /(https?:\/\/\S+\/c\/track\/[A-Za-z0-9_-]+)/.exec(link)![1];
    expect(new URL(trackUrl).pathname).toBe(new URL(page.url()).pathname);
    await page.context().close();

    const d = await login(site.browser, 'dispatcher');
    await d.getByTestId('home-title').waitFor();
    // 待派单 is oldest first: page on until the new appeal's row shows, with its source.
    const row = await triageRow(d, number);
    expect(await row.getByTestId('source-web').textContent()).toBe('网站');
    await screenshot(d, 'citizen-appeal-in-triage');
    await row.getByRole('link', { name: number }).click();
    await d.getByTestId('appeal-phase').waitFor();
    expect(await phase(d)).toBe('待派单');
    expect(await d.getByTestId('appeal-source').textContent()).toBe('网站');
    // The point, with the grid it falls in, and the two photos among the appeal's files.
    expect(await d.getByTestId('location-coordinates').textContent()).toBe(`${lat.toFixed(6)}, ${lng.toFixed(6)}`);
    expect(await d.getByTestId('location-grid').textContent()).toContain('G08');
    const files = d.locator('section[aria-labelledby="files-h"] li a');
    expect(await files.allTextContents()).toEqual(['street.jpg', 'doorstep.jpg']);
    await d.getByTestId('appeal-location').scrollIntoViewIfNeeded();
    await screenshot(d, 'citizen-appeal-photos-and-point');
    // What the server stored: the big one at most 1600 px (made small in the browser), neither saying where.
    const stored = [];
    for (const href of await files.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
      const res = await d.request.get(href);
      expect(res.ok()).toBe(true);
      stored.push(await res.body());
    }
    expect(Math.max((await sharp(stored[0]).metadata()).width!, (await sharp(stored[0]).metadata()).height!)).toBe(
      1600,
    );
    for (const bytes of stored) {
      expect(await gpsOf(bytes)).toBeNull();
      expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    }
    await d.context().close();
  });

  it('(b) follows it by the link through dispatch and the approved answer, rates it dissatisfied, and it is redone', async () => {
    expect(trackUrl).not.toBe('');
    const { page: d, url: staffUrl } = await openByNumber(site.browser, 'dispatcher', number);
    // The map point gives the 派单目录 its area: its suggestion shows, and its assisting district is not wanted here.
    await d.getByTestId('catalogue-reason').waitFor();
    await chooseUnits(d, '市城市管理局');
    const assisting = act(d, '派单')
      .getByTestId('department-picker-assistingDepartmentIds')
      .getByRole('checkbox', { checked: true });
    while (await assisting.count()) await assisting.first().uncheck();
    await submit(d, '派单');
    await d.context().close();

    const citizen = await phonePage(site.browser);
    await citizen.goto(trackUrl);
    await expect.poll(() => citizen.getByTestId('public-step').allTextContents()).toHaveLength(2);
    expect((await citizen.getByTestId('public-step').nth(1).textContent()) ?? '').toContain('市城市管理局');

    const h = await open(site.browser, 'handler', staffUrl);
    const staff = [((await h.getByTestId('current-user').textContent()) ?? '').split('（')[0]];
    await submit(h, '签收');
    await submit(h, '办理答复', { 办理结果: ANSWER, 是否解决: 'yes' });
    await h.context().close();
    // Replied but not yet approved: the department's words are not the hotline's answer yet.
    await citizen.reload();
    expect(await citizen.getByTestId('public-answer').count()).toBe(0);

    const r = await open(site.browser, 'reviewer', staffUrl);
    staff.push(((await r.getByTestId('current-user').textContent()) ?? '').split('（')[0]);
    await submit(r, '审核通过');
    await r.context().close();
    await citizen.reload();
    await expect.poll(() => citizen.getByTestId('public-answer').textContent()).toBe(ANSWER);
    expect(await citizen.getByTestId('public-status').textContent()).toBe('已答复');
    const text = (await citizen.locator('main').textContent()) ?? '';
    expect(staff.every((name) => name.length > 1)).toBe(true);
    for (const name of staff) expect(text).not.toContain(name);
    expect(text).not.toContain(phone);
    await screenshot(citizen, 'citizen-track-answered');

    // The citizen rates it dissatisfied on the page: the reviewer sees it waiting for his decision and has it redone.
    const rate = citizen.getByRole('form', { name: '评价办理结果' });
    await rate.getByLabel('不满意', { exact: true }).check();
    await rate.getByLabel('未解决').check();
    await rate.getByLabel('意见（选填）').fill('第二天摊位又摆出来了');
    await rate.getByTestId('rate-submit').click();
    await citizen.getByTestId('rated').waitFor();
    expect(await citizen.getByRole('form', { name: '评价办理结果' }).count()).toBe(0);
    await expect.poll(() => citizen.getByTestId('public-step').last().textContent()).toContain('您已评价');
    expect(await citizen.getByTestId('public-step').last().textContent()).toContain('不满意');
    await screenshot(citizen, 'citizen-track-rated');

    const r2 = await open(site.browser, 'reviewer', staffUrl);
    expect(await phase(r2)).toBe('不满意待定');
    expect(await r2.getByTestId('timeline').textContent()).toContain('第二天摊位又摆出来了');
    await submit(r2, '重办', { 理由: '市民在网站评价不满意，请重新处理。' });
    await expect.poll(() => phase(r2)).toBe('办理中');
    await r2.context().close();
    await citizen.reload();
    await expect.poll(() => citizen.getByTestId('public-step').last().textContent()).toContain('重新办理');
    expect(await citizen.getByTestId('public-status').textContent()).toBe('办理中');
    await citizen.context().close();
  });

  it('(d) a wrong link, a guessed number or a spent code shows nothing private', async () => {
    const page = await phonePage(site.browser);
    const token = new URL(trackUrl).pathname.split('/').pop()!;
    const wrong = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const guess of [wrong, number, 'x'.repeat(30)]) {
      const res = await page.goto(`/c/track/${guess}`);
      expect(res?.status()).toBe(404);
      expect(await page.getByTestId('error-message').textContent()).toBe('链接无效或已失效');
      expect(await page.getByTestId('appeal-number').count()).toBe(0);
      // Nothing of the appeal: not its content, not where it went.
      expect(await page.locator('main').textContent()).not.toContain('菜市场');
      expect(await page.content()).not.toContain('市城市管理局');
    }
    await screenshot(page, 'citizen-track-not-found');

    // A second appeal with the code already spent is refused beside the code, and nothing is filed.
    const other = newPhone();
    const code = await fillAndVerify(page, other, COMPLAINT);
    await page.getByTestId('submit-appeal').click();
    await page.getByTestId('submitted').waitFor();
    await page.goto('/c/submit');
    await fillComplaint(page, { content: '同一个验证码再交一次，应当被拒绝，什么也不写入。' });
    await page.getByLabel('手机号').fill(other);
    await enterCode(page, code);
    await page.getByTestId('submit-appeal').click();
    await expect.poll(() => page.getByTestId('error-code').textContent()).toMatch(/验证码/);
    await page.context().close();
  });

  it('refuses a form with bad fields beside each field, keeping what was typed', async () => {
    const page = await phonePage(site.browser);
    await page.goto('/c/submit');
    await page.getByLabel('诉求内容').fill('太短');
    await page.getByLabel('手机号').fill('12345');
    await page.getByTestId('submit-appeal').click();
    await page.getByTestId('error-content').waitFor();
    expect(await page.getByTestId('error-categoryId').textContent()).toBe('请选择诉求分类');
    expect(await page.getByTestId('error-phone').textContent()).toContain('11 位');
    expect(await page.getByTestId('error-code').textContent()).toContain('验证码');
    expect(await page.getByTestId('error-consent').textContent()).toContain('个人信息');
    expect(await page.getByLabel('诉求内容').inputValue()).toBe('太短');
    await screenshot(page, 'citizen-submit-refused');
    // The same form in English.
    await page.getByTestId('language-switch').click();
    await page.getByTestId('submit-appeal').waitFor();
    expect(await page.getByTestId('submit-appeal').textContent()).toBe('Submit');
    await screenshot(page, 'citizen-submit-en');
    await page.context().close();
  });
});
