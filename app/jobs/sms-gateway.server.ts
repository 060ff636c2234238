import path from 'node:path';
import { z } from 'zod';
import { PermanentSmsFailure, fileSmsGateway, type SmsGateway } from './sms.server';

// The SMS gateway a deployment sends through, chosen by the environment: the development file gateway by default,
// or one HTTP provider (SMS_GATEWAY=http) that takes JSON and answers with its message id. A missing setting stops
// the server at start, not at the first citizen's code.

export interface HttpSmsSettings {
  url: string;
  key: string;
  signName: string;
  timeoutMs: number;
}

/** The provider's refusal of the number itself: no retry will deliver it. */
const INVALID_NUMBER = /invalid[_\s-]?(number|phone|mobile)/i;

/**
 * POSTs `{ phone, text, signName, clientRef }` with the key as a bearer token; a 2xx answer's `messageId` is the
 * provider's id. A 400/422 naming an invalid number fails the message for good; anything else that is not 2xx, a
 * network error or the timeout is thrown to be tried again (clientRef lets the provider drop a repeat).
 */
export function httpSmsGateway(settings: HttpSmsSettings): SmsGateway {
  return {
    async send({ id, phone, body }) {
      let res: Response;
      try {
        res = await fetch(settings.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${settings.key}` },
          body: JSON.stringify({ phone, text: body, signName: settings.signName, clientRef: String(id) }),
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (err) {
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        throw new Error(timedOut ? `短信网关超时（${settings.timeoutMs} ms）` : `短信网关无法连接：${String(err)}`, {
          cause: err,
        });
      }
      const text = await res.text();
      if (!res.ok) {
        if ((res.status === 400 || res.status === 422) && INVALID_NUMBER.test(text))
          throw new PermanentSmsFailure(`号码无效（HTTP ${res.status}）：${text.slice(0, 200)}`);
        throw new Error(`短信网关返回 HTTP ${res.status}：${text.slice(0, 200)}`);
      }
      let messageId: unknown = null;
      try {
        messageId = (JSON.parse(text) as { messageId?: unknown }).messageId;
      } catch {
        // A 2xx without JSON was still accepted; it just cannot be matched to a delivery report.
      }
      return { providerMessageId: typeof messageId === 'string' && messageId ? messageId.slice(0, 100) : null };
    },
  };
}

const required = (name: string) =>
  z
    .string({ message: `${name} 未设置` })
    .trim()
    .min(1, `${name} 未设置`);

const httpEnv = z.object({
  SMS_HTTP_URL: required('SMS_HTTP_URL').pipe(z.url({ message: 'SMS_HTTP_URL 不是有效的网址' })),
  SMS_HTTP_KEY: required('SMS_HTTP_KEY'),
  SMS_SIGN_NAME: required('SMS_SIGN_NAME'),
  SMS_DELIVERY_SECRET: required('SMS_DELIVERY_SECRET').min(16, 'SMS_DELIVERY_SECRET 至少 16 个字符'),
  SMS_HTTP_TIMEOUT_MS: z.coerce
    .number({ message: 'SMS_HTTP_TIMEOUT_MS 应为毫秒数' })
    .int('SMS_HTTP_TIMEOUT_MS 应为毫秒数')
    .min(100, 'SMS_HTTP_TIMEOUT_MS 至少 100')
    .max(120_000, 'SMS_HTTP_TIMEOUT_MS 最多 120000')
    .default(10_000),
});

/** The gateway of this environment; throws with every missing or wrong setting named when SMS_GATEWAY=http lacks one. */
export function smsGatewayFromEnv(env: Record<string, string | undefined> = process.env): {
  gateway: SmsGateway;
  describe: string;
} {
  const kind = env.SMS_GATEWAY || 'file';
  if (kind === 'file') {
    const dataRoot = path.resolve(env.DATA_DIR ?? '.data');
    return { gateway: fileSmsGateway(dataRoot), describe: `[sms] development file gateway (${dataRoot}/sms-sent.log)` };
  }
  if (kind !== 'http') throw new Error(`SMS_GATEWAY=${kind} 不支持：应为 file 或 http`);
  const parsed = httpEnv.safeParse({ ...env, SMS_HTTP_TIMEOUT_MS: env.SMS_HTTP_TIMEOUT_MS || undefined });
  if (!parsed.success)
    throw new Error(`SMS_GATEWAY=http 配置不完整：${parsed.error.issues.map((i) => i.message).join('；')}`);
  const s = parsed.data;
  return {
    gateway: httpSmsGateway({
      url: s.SMS_HTTP_URL,
      key: s.SMS_HTTP_KEY,
      signName: s.SMS_SIGN_NAME,
      timeoutMs: s.SMS_HTTP_TIMEOUT_MS,
    }),
    describe: `[sms] HTTP provider ${new URL(s.SMS_HTTP_URL).host} (timeout ${s.SMS_HTTP_TIMEOUT_MS} ms)`,
  };
}
