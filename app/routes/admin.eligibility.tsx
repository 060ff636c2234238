import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { z } from 'zod';
import { AdminFieldError, AdminNav } from '../components/admin-nav';
import { requireUserWith } from '../auth/session.server';
import { setMinCreditRating } from '../eligibility/facts.server';
import type { ConditionResult } from '../eligibility/rules';
import { testRule, testerOptions, type RuleTest } from '../eligibility/tester.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { ELIGIBILITY_LABELS, FIRM_SIZE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '政策规则测试 · 12345 热线' }];

// The rule tester. `?rule=` fills the rule in, so a policy's editor can send its rule here to be tried.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'eligibility:test');
  const rule = z
    .string()
    .max(20_000)
    .catch('')
    .parse(new URL(request.url).searchParams.get('rule') ?? '');
  const options = await domain(() => testerOptions(context.runtime.db.em(), user.actor));
  return { ...options, rule };
}

const actionForm = z.object({ intent: z.enum(['test', 'threshold']) });

type ActionResult = { failure: FormFailure; test: null } | { failure: null; test: RuleTest | null };

export async function action({ request, context }: ActionFunctionArgs) {
  // The threshold asks for admin:eligibility as well; setMinCreditRating checks it.
  const user = await requireUserWith(request, context, 'eligibility:test');
  const { form, refused } = await readFormWithRefusal(request);
  const raw = Object.fromEntries(form);
  const parsed = actionForm.safeParse(raw);
  if (!parsed.success)
    return json<ActionResult>({ failure: { intent: '', message: '无效的操作' }, test: null }, { status: 400 });
  const { intent } = parsed.data;
  const em = context.runtime.db.em();
  try {
    if (refused) throw refused;
    if (intent === 'test') return json<ActionResult>({ failure: null, test: await testRule(em, user.actor, raw) });
    await setMinCreditRating(em, user.actor, raw, clientOf(request, context));
    return json<ActionResult>({ failure: null, test: null });
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json<ActionResult>({ failure, test: null }, { status });
  }
}

const field = 'mt-1 w-full rounded border px-2 py-1';
const SOURCES = [
  ['person', '样例个人'],
  ['firm', '样例企业'],
  ['citizen', '已知市民（按电话）'],
  ['knownFirm', '已知企业（按统一社会信用代码）'],
] as const;

function Conditions({ c }: { c: ConditionResult }) {
  const { t } = useT();
  return (
    <li>
      <span className={c.met ? 'text-emerald-700' : 'text-red-700'} data-testid="condition">
        {c.met ? '✓' : '✗'} <code className="text-xs">{c.rule}</code>
        <span className="sr-only">{c.met ? t('满足') : t('不满足')}</span>
      </span>
      {c.parts ? (
        <ul className="ml-5 list-none space-y-0.5">
          {c.parts.map((p, i) => (
            <Conditions key={i} c={p} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function Outcome({ test }: { test: RuleTest }) {
  const { t } = useT();
  const r = test.result;
  const tone =
    r.outcome === 'matched'
      ? 'border-emerald-300 bg-emerald-50'
      : r.outcome === 'error'
        ? 'border-amber-300 bg-amber-50'
        : 'border-red-300 bg-red-50';
  return (
    <section className={`space-y-3 rounded-lg border p-4 ${tone}`} aria-labelledby="outcome-h">
      <h2 id="outcome-h" className="font-semibold">
        {t('测试结果')}：<span data-testid="eligibility-outcome">{t(ELIGIBILITY_LABELS[r.outcome])}</span>
      </h2>
      <p className="text-sm text-slate-600">
        {t('{{subject}}，评估日 {{on}}，信用门槛 {{min}} 级', {
          subject: test.subject,
          on: test.on,
          min: test.minCreditRating,
        })}
      </p>
      {r.outcome === 'notMatched' || r.outcome === 'error' ? (
        <p data-testid="eligibility-reason" className="font-medium">
          {t(r.message)}
        </p>
      ) : null}
      {r.outcome === 'error' ? (
        <ul className="list-disc pl-5 text-sm">
          {r.errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      ) : null}
      {r.outcome === 'matched' || (r.outcome === 'notMatched' && r.reason === 'rule') ? (
        <div>
          <h3 className="text-sm text-slate-600">{t('各项条件')}</h3>
          <ul className="list-none space-y-0.5 text-sm">
            <Conditions c={r.conditions} />
          </ul>
        </div>
      ) : null}
      <div>
        <h3 className="text-sm text-slate-600">{t('用于评估的事实')}</h3>
        <table className="text-sm" data-testid="eligibility-facts">
          <tbody>
            {test.facts.map((f) => (
              <tr key={f.name}>
                <td className="pr-3 font-mono text-xs">{f.name}</td>
                <td className="pr-3 text-slate-600">{t(f.label)}</td>
                <td>{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function EligibilityTester() {
  const { facts, districts, minCreditRating, today, examples, rule } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const [source, setSource] = useState<(typeof SOURCES)[number][0]>('person');
  const failure = result?.failure?.intent === 'test' || result?.failure?.intent === '' ? result.failure : null;
  const thresholdFailure = result?.failure?.intent === 'threshold' ? result.failure : null;
  const errors = failure?.fieldErrors ?? {};
  const group = (name: (typeof SOURCES)[number][0]) => ({ hidden: source !== name, disabled: source !== name });
  const districtSelect = (name: string) => (
    <label className="block">
      <span className="text-slate-600">{t('所在区')}</span>
      <select name={name} className={field} defaultValue="">
        <option value="">{t('（不填）')}</option>
        {districts.map((d) => (
          <option key={d.code} value={d.code}>
            {d.code} {d.name}
          </option>
        ))}
      </select>
    </label>
  );
  const ratingSelect = (name: string) => (
    <label className="block">
      <span className="text-slate-600">{t('信用等级')}</span>
      <select name={name} className={field} defaultValue="">
        <option value="">{t('（不填）')}</option>
        {['A', 'B', 'C', 'D'].map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <AdminFieldError errors={errors} name={name} />
    </label>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('政策规则测试')}</h1>
        <AdminNav current="/admin/eligibility" />
      </div>
      <p className="text-sm text-slate-600">
        {t(
          '规则用 json-logic 书写，只能引用下表中的事实。先过闸：列入黑名单或信用等级低于门槛的个人和企业，不论规则如何都不匹配；规则引用的事实缺失时也不匹配。',
        )}
      </p>
      <div className="grid gap-4 xl:grid-cols-2">
        <Form method="post" className="space-y-3 rounded-lg border bg-white p-4" aria-label={t('测试规则')} noValidate>
          <CsrfField />
          <h2 className="font-semibold">{t('测试规则')}</h2>
          {failure ? (
            <p role="alert" className="text-red-600">
              {t(failure.message)}
            </p>
          ) : null}
          <label className="block">
            <span className="text-slate-600">{t('规则（json-logic）')}</span>
            <textarea
              name="rule"
              rows={5}
              defaultValue={rule}
              className={`${field} font-mono text-xs`}
              aria-invalid={Boolean(errors.rule)}
            />
            <AdminFieldError errors={errors} name="rule" />
          </label>
          <p className="text-xs text-slate-600">
            {t('示例：')}
            {examples.map((e) => (
              <Link
                key={e.name}
                to={`?${new URLSearchParams({ rule: e.rule }).toString()}`}
                reloadDocument
                className="mr-3 text-red-700 hover:underline"
              >
                {t(e.name)}
              </Link>
            ))}
          </p>
          <label className="block w-48">
            <span className="text-slate-600">{t('评估日期')}</span>
            <input name="on" type="date" defaultValue={today} className={field} />
            <AdminFieldError errors={errors} name="on" />
          </label>
          <fieldset className="flex flex-wrap gap-4">
            <legend className="text-slate-600">{t('测试对象')}</legend>
            {SOURCES.map(([value, label]) => (
              <label key={value} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="source"
                  value={value}
                  checked={source === value}
                  onChange={() => setSource(value)}
                />
                {t(label)}
              </label>
            ))}
          </fieldset>
          {/* Only the chosen object's fields are sent: the others are disabled. */}
          <fieldset {...group('person')} className="grid gap-3 md:grid-cols-2" aria-label={t('样例个人')}>
            <label className="block md:col-span-2">
              <span className="text-slate-600">{t('身份证号（年龄、性别由此得出）')}</span>
              <input name="idNumber" className={field} aria-invalid={Boolean(errors.idNumber)} />
              <AdminFieldError errors={errors} name="idNumber" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('或年龄（周岁）')}</span>
              <input name="age" inputMode="numeric" className={field} aria-invalid={Boolean(errors.age)} />
              <AdminFieldError errors={errors} name="age" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('性别')}</span>
              <select name="sex" className={field} defaultValue="">
                <option value="">{t('（不填）')}</option>
                <option value="male">{t('男')}</option>
                <option value="female">{t('女')}</option>
              </select>
            </label>
            {districtSelect('personDistrict')}
            {ratingSelect('personCreditRating')}
            <label className="flex items-center gap-1">
              <input type="checkbox" name="personBlacklisted" />
              {t('列入黑名单')}
            </label>
          </fieldset>
          <fieldset {...group('firm')} className="grid gap-3 md:grid-cols-2" aria-label={t('样例企业')}>
            <label className="block md:col-span-2">
              <span className="text-slate-600">{t('统一社会信用代码')}</span>
              <input name="creditCode" className={field} aria-invalid={Boolean(errors.creditCode)} />
              <AdminFieldError errors={errors} name="creditCode" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('行业代码')}</span>
              <input name="industry" className={field} aria-invalid={Boolean(errors.industry)} />
              <AdminFieldError errors={errors} name="industry" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('企业规模')}</span>
              <select name="size" className={field} defaultValue="">
                <option value="">{t('（不填）')}</option>
                {Object.entries(FIRM_SIZE_LABELS).map(([v, l]) => (
                  <option key={v} value={v}>
                    {t(l)}
                  </option>
                ))}
              </select>
            </label>
            <label className="block">
              <span className="text-slate-600">{t('成立日期')}</span>
              <input name="foundedOn" type="date" className={field} />
              <AdminFieldError errors={errors} name="foundedOn" />
            </label>
            {districtSelect('firmDistrict')}
            {ratingSelect('firmCreditRating')}
            <label className="flex items-center gap-1">
              <input type="checkbox" name="firmBlacklisted" />
              {t('列入黑名单')}
            </label>
          </fieldset>
          <fieldset {...group('citizen')} aria-label={t('已知市民')}>
            <label className="block">
              <span className="text-slate-600">{t('市民电话')}</span>
              <input name="phone" className={field} aria-invalid={Boolean(errors.phone)} />
              <AdminFieldError errors={errors} name="phone" />
            </label>
          </fieldset>
          <fieldset {...group('knownFirm')} aria-label={t('已知企业')}>
            <label className="block">
              <span className="text-slate-600">{t('企业的统一社会信用代码')}</span>
              <input name="knownCreditCode" className={field} aria-invalid={Boolean(errors.knownCreditCode)} />
              <AdminFieldError errors={errors} name="knownCreditCode" />
            </label>
          </fieldset>
          <button
            name="intent"
            value="test"
            disabled={busy}
            className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
          >
            {t('测试')}
          </button>
        </Form>
        <div className="space-y-4">
          {result?.test ? <Outcome test={result.test} /> : null}
          <Form method="post" className="space-y-2 rounded-lg border bg-white p-4" aria-label={t('信用门槛')}>
            <CsrfField />
            <h2 className="font-semibold">{t('信用门槛')}</h2>
            <p className="text-sm text-slate-600">
              {t('信用等级低于此级的个人和企业不匹配任何政策（A 最高，D 最低）。')}
            </p>
            {thresholdFailure ? (
              <p role="alert" className="text-red-600">
                {t(thresholdFailure.message)}
              </p>
            ) : null}
            <div className="flex items-end gap-2">
              <label className="block">
                <span className="text-slate-600">{t('最低信用等级')}</span>
                <select name="minCreditRating" key={minCreditRating} defaultValue={minCreditRating} className={field}>
                  {['A', 'B', 'C', 'D'].map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
              <button
                name="intent"
                value="threshold"
                disabled={busy}
                className="rounded border px-3 py-1 hover:bg-slate-100"
              >
                {t('保存门槛')}
              </button>
            </div>
          </Form>
          <section className="overflow-x-auto rounded-lg border bg-white" aria-labelledby="facts-h">
            <h2 id="facts-h" className="border-b px-4 py-2 font-semibold">
              {t('可用的事实')}
            </h2>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="px-4 py-1">{t('事实')}</th>
                  <th>{t('含义')}</th>
                  <th>{t('适用')}</th>
                  <th>{t('取值')}</th>
                </tr>
              </thead>
              <tbody>
                {facts.map((f) => (
                  <tr key={f.name} className="border-b last:border-0">
                    <td className="px-4 py-1 font-mono text-xs">{f.name}</td>
                    <td>{t(f.label)}</td>
                    <td>{f.subjects.map((s) => t(ELIGIBILITY_LABELS[s])).join(t('、'))}</td>
                    <td className="font-mono text-xs">{f.values ? f.values.join(' / ') : f.type}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      </div>
    </div>
  );
}
