import { publicCategories, submitWebAppeal } from '../../app/citizen/submission.server';
import { requestCode } from '../../app/citizen/verification.server';
import type { TestDatabase, TestServices } from './services';

// A citizen on the public site, as the integration tests play one: the code the SMS carried, and a web appeal filed
// with it through the same functions the /c routes call.

export const SITE = 'https://12345.example.gov.cn';

/** Phones of a test file's own, one per call: `prefix` and four digits, so one test's limits never reach another's. */
export function phoneSeries(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${String(1000 + n++)}`;
}

/** The code the phone's last verification SMS carried, read from the outbox. */
export async function lastCode(t: Pick<TestDatabase, 'sql'>, phone: string): Promise<string> {
  const [row] = await t.sql<{ body: string }>(
    `select body from sms_outbox where phone = ? and template = 'verification' order by id desc limit 1`,
    [phone],
  );
  return /(\d{6})/.exec(row.body)![1];
}

/** The public form's fields as the browser posts them: a complaint in the first category offered, with `over` on top. */
export async function webForm(
  t: Pick<TestDatabase, 'em'>,
  phone: string,
  code: string,
  over: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const leaf = (await publicCategories(t.em()))[0].categories[0].id;
  return {
    type: 'complaint',
    categoryId: String(leaf),
    content: '小区门口的路灯坏了一个多月，晚上很黑，老人出行不安全。',
    phone,
    code,
    consent: 'on',
    ...over,
  };
}

export interface WebFiling {
  /** When the code is asked for (the verification's own clock when left out). */
  codeAt?: Date;
  /** When the form is posted (the services' clock when left out). */
  now?: Date;
  /** Fields of the form besides, or instead of, those of `webForm`. */
  over?: Record<string, unknown>;
}

/** Asks for a code for the phone and files the public form with it: the citizen's web appeal, in triage. */
export async function fileWebAppeal(t: TestServices, phone: string, { codeAt, now, over }: WebFiling = {}) {
  await requestCode(t.em(), { phone, purpose: 'submit' }, null, codeAt);
  const services = now ? { ...t.services, now: () => now } : t.services;
  return submitWebAppeal(services, await webForm(t, phone, await lastCode(t, phone), over), SITE);
}
