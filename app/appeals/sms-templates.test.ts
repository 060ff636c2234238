import { describe, expect, it } from 'vitest';
import { smsTemplateInput } from '../admin/sms-templates.server';
import { SMS_TEMPLATE_CODES, SMS_TEMPLATE_RULES, renderSmsTemplate, smsTemplateBodyFor } from './sms-templates.server';

// Each message's own placeholder rules: what it must say and what its step can fill.

const errors = (code: (typeof SMS_TEMPLATE_CODES)[number], body: string) => {
  const r = smsTemplateBodyFor(code).safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('SMS template rules', () => {
  it('accepts every seeded text under its own rules', () => {
    for (const code of SMS_TEMPLATE_CODES) expect(errors(code, SMS_TEMPLATE_RULES[code].body), code).toEqual([]);
  });

  it.each([
    ['verification', '【12345】验证码 {code}，请勿告诉他人。', []],
    ['verification', '【12345】验证码已发送，请勿告诉他人。', ['短信内容必须包含6 位验证码 {code}']],
    ['verification', '【12345】诉求 {appealNo} 的验证码 {code}', ['只能使用占位符 {code}、{purpose}']],
    ['received', '【12345】已受理 {appealNo}，{dueAt} 前办结', []],
    ['received', '【12345】已受理，{dueAt} 前办结', ['短信内容必须包含诉求编号 {appealNo}']],
    ['received', '【12345】已受理 {appealNo}，验证码 {code}', ['只能使用占位符 {appealNo}、{dueAt}']],
    ['tracking', '【12345】{appealNo} 进度：{link}', []],
    ['tracking', '【12345】{appealNo} 进度请上网查看', ['短信内容必须包含链接 {link}']],
    [
      'tracking',
      '【12345】进度 {link}，时限 {dueAt}',
      ['短信内容必须包含诉求编号 {appealNo}', '只能使用占位符 {appealNo}、{link}'],
    ],
    ['rate', '【12345】{appealNo} 已答复，请打开此前短信中的链接评价', []],
    ['rate', '【12345】{appealNo} 已答复，请在 {link} 评价', []],
    ['replied', '【12345】{appealNo} 已答复，请在 {link} 评价', ['只能使用占位符 {appealNo}、{dueAt}']],
    ['reopened', '短', ['短信内容至少 5 个字', '短信内容必须包含诉求编号 {appealNo}']],
  ] as const)('%s: %s', (code, body, expected) => {
    expect(errors(code, body)).toEqual(expected);
  });

  it('refuses a text longer than 300 characters', () => {
    expect(errors('received', `{appealNo}${'很'.repeat(300)}`)).toEqual(['短信内容最多 300 个字']);
  });

  it('checks the body by the rules of the template it is for, and refuses an unknown template', () => {
    expect(smsTemplateInput.safeParse({ code: 'verification', body: '验证码 {code} 请勿外传' }).success).toBe(true);
    const wrong = smsTemplateInput.safeParse({ code: 'received', body: '验证码 {code} 请勿外传' });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['body', '短信内容必须包含诉求编号 {appealNo}'],
      ['body', '只能使用占位符 {appealNo}、{dueAt}'],
    ]);
    expect(smsTemplateInput.safeParse({ code: 'nonexistent', body: '诉求 {appealNo}' }).success).toBe(false);
  });

  it('renders only the placeholders the template has, leaving others as written', () => {
    expect(
      renderSmsTemplate('verification', '码 {code}，用于{purpose}，{appealNo}', {
        code: '012345',
        purpose: '提交诉求',
      }),
    ).toBe('码 012345，用于提交诉求，{appealNo}');
    expect(
      renderSmsTemplate('tracking', '{appealNo} {link} {link}', { appealNo: 'N1', link: 'https://x/c/track/t' }),
    ).toBe('N1 https://x/c/track/t https://x/c/track/t');
  });
});
