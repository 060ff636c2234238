import { Form, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import type { FormFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { POLICY_DOMAIN_LABELS, POLICY_LEVEL_LABELS } from '../ui/policy-labels';

export interface PolicyFormValues {
  id: number;
  version: number;
  title: string;
  level: string;
  domain: string;
  documentNumber: string | null;
  leadDepartmentId: number;
  cooperating: { id: number }[];
  liaisons: { name: string; phone: string }[];
  chiefRepresentative: { id: number } | null;
  withoutApplication: boolean;
  eligibility: string;
  rule: Record<string, unknown> | null;
  benefit: string;
  validFrom: string | null;
  validTo: string | null;
  keywords: string[];
  items: { no: number; text: string }[];
}

export interface PolicyFormOptions {
  departments: { id: number; name: string }[];
  leadDepartments: { id: number; name: string }[];
  staff: { id: number; name: string; departmentId: number; phone: string | null }[];
}

const field = 'mt-1 w-full rounded border px-2 py-1';

/** The policy's fields and its items (条款); an empty item box adds an item, clearing one removes it. */
export function PolicyForm({
  policy,
  options,
  failure,
}: {
  policy: PolicyFormValues | null;
  options: PolicyFormOptions;
  failure: FormFailure | null;
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = failure?.fieldErrors ?? {};
  const [lead, setLead] = useState(String(policy?.leadDepartmentId ?? options.leadDepartments[0]?.id ?? ''));
  const [items, setItems] = useState<string[]>(() => [...(policy?.items.map((i) => i.text) ?? []), '']);
  const [liaisons, setLiaisons] = useState(() => [...(policy?.liaisons ?? []), { name: '', phone: '' }]);
  const err = (name: string) => {
    const message = errors[name]?.[0] ?? Object.entries(errors).find(([k]) => k.startsWith(`${name}.`))?.[1][0];
    return message ? (
      <span role="alert" className="block text-xs text-red-600">
        {t(message)}
      </span>
    ) : null;
  };
  const label = policy ? t('编辑政策 {{title}}', { title: policy.title }) : t('新增政策');
  const cooperating = new Set(policy?.cooperating.map((c) => c.id) ?? []);
  return (
    <Form method="post" className="space-y-3 rounded-lg border bg-white p-4" aria-label={label} noValidate>
      <CsrfField />
      {policy ? <input type="hidden" name="version" value={policy.version} /> : null}
      {failure ? (
        <p role="alert" className="text-red-600">
          {t(failure.message)}
        </p>
      ) : null}
      <label className="block">
        <span className="text-slate-600">{t('政策名称')}</span>
        <input name="title" defaultValue={policy?.title ?? ''} className={field} aria-invalid={Boolean(errors.title)} />
        {err('title')}
      </label>
      <div className="grid gap-3 md:grid-cols-3">
        <label className="block">
          <span className="text-slate-600">{t('政策层级')}</span>
          <select name="level" defaultValue={policy?.level ?? 'city'} className={field}>
            {Object.entries(POLICY_LEVEL_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {t(l)}
              </option>
            ))}
          </select>
          {err('level')}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('政策领域')}</span>
          <select name="domain" defaultValue={policy?.domain ?? 'people'} className={field}>
            {Object.entries(POLICY_DOMAIN_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {t(l)}
              </option>
            ))}
          </select>
          {err('domain')}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('发文字号')}</span>
          <input
            name="documentNumber"
            defaultValue={policy?.documentNumber ?? ''}
            placeholder="豫政办〔2022〕78号"
            className={field}
          />
          {err('documentNumber')}
        </label>
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <label className="block">
          <span className="text-slate-600">{t('牵头单位')}</span>
          <select
            name="leadDepartmentId"
            value={lead}
            onChange={(e) => setLead(e.target.value)}
            className={field}
            aria-invalid={Boolean(errors.leadDepartmentId)}
          >
            {options.leadDepartments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          {err('leadDepartmentId')}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('首席代表')}</span>
          <select
            name="chiefRepresentativeId"
            defaultValue={policy?.chiefRepresentative?.id ?? ''}
            className={field}
            aria-invalid={Boolean(errors.chiefRepresentativeId)}
          >
            <option value="">{t('（未指定）')}</option>
            {options.staff
              .filter((s) => String(s.departmentId) === lead)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.phone ? `${s.name}（${s.phone}）` : s.name}
                </option>
              ))}
          </select>
          {err('chiefRepresentativeId')}
        </label>
      </div>
      <fieldset className="rounded border p-2">
        <legend className="px-1 text-slate-600">{t('配合单位')}</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {options.departments
            .filter((d) => String(d.id) !== lead)
            .map((d) => (
              <label key={d.id} className="flex items-center gap-1">
                <input
                  type="checkbox"
                  name="cooperatingDepartmentIds"
                  value={d.id}
                  defaultChecked={cooperating.has(d.id)}
                />
                {d.name}
              </label>
            ))}
        </div>
        {err('cooperatingDepartmentIds')}
      </fieldset>
      <fieldset className="rounded border p-2">
        <legend className="px-1 text-slate-600">{t('政策联络员')}</legend>
        {liaisons.map((l, i) => (
          <div key={i} className="grid gap-2 md:grid-cols-2">
            <label className="block">
              <span className="text-xs text-slate-500">{t('联络员 {{n}} 姓名', { n: i + 1 })}</span>
              <input name="liaisonName" defaultValue={l.name} className={field} />
            </label>
            <label className="block">
              <span className="text-xs text-slate-500">{t('联络员 {{n}} 电话', { n: i + 1 })}</span>
              <input name="liaisonPhone" defaultValue={l.phone} className={field} />
            </label>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setLiaisons((ls) => [...ls, { name: '', phone: '' }])}
          className="mt-1 rounded border px-2 py-0.5 text-xs"
        >
          {t('添加联络员')}
        </button>
        {err('liaisons')}
      </fieldset>
      <label className="flex items-center gap-2">
        <input type="checkbox" name="withoutApplication" defaultChecked={policy?.withoutApplication ?? false} />
        {t('免申即享（无需申请，主动兑现）')}
      </label>
      <label className="block">
        <span className="text-slate-600">{t('享受条件')}</span>
        <textarea
          name="eligibility"
          rows={2}
          defaultValue={policy?.eligibility ?? ''}
          className={field}
          aria-invalid={Boolean(errors.eligibility)}
        />
        {err('eligibility')}
      </label>
      <label className="block">
        <span className="text-slate-600">{t('资格规则（JSON，可不填）')}</span>
        <textarea
          name="rule"
          rows={2}
          defaultValue={policy?.rule ? JSON.stringify(policy.rule) : ''}
          placeholder='{">=":[{"var":"age"},80]}'
          className={`${field} font-mono text-xs`}
          aria-invalid={Boolean(errors.rule)}
        />
        {err('rule')}
      </label>
      <label className="block">
        <span className="text-slate-600">{t('享受内容')}</span>
        <textarea
          name="benefit"
          rows={2}
          defaultValue={policy?.benefit ?? ''}
          className={field}
          aria-invalid={Boolean(errors.benefit)}
        />
        {err('benefit')}
      </label>
      <div className="grid gap-3 md:grid-cols-3">
        <label className="block">
          <span className="text-slate-600">{t('生效日期')}</span>
          <input type="date" name="validFrom" defaultValue={policy?.validFrom ?? ''} className={field} />
          {err('validFrom')}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('失效日期')}</span>
          <input type="date" name="validTo" defaultValue={policy?.validTo ?? ''} className={field} />
          {err('validTo')}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('关键词（空格或顿号分隔）')}</span>
          <input name="keywords" defaultValue={policy?.keywords.join(' ') ?? ''} className={field} />
          {err('keywords')}
        </label>
      </div>
      <fieldset className="rounded border p-2">
        <legend className="px-1 text-slate-600">{t('政策条款')}</legend>
        <ol className="space-y-2">
          {items.map((text, i) => (
            <li key={i}>
              <label className="block">
                <span className="text-xs text-slate-500">{t('第 {{n}} 条', { n: i + 1 })}</span>
                <textarea name="items" rows={2} defaultValue={text} className={field} />
              </label>
            </li>
          ))}
        </ol>
        <button
          type="button"
          onClick={() => setItems((xs) => [...xs, ''])}
          className="mt-1 rounded border px-2 py-0.5 text-xs"
        >
          {t('添加条款')}
        </button>
        {err('items')}
      </fieldset>
      <button
        name="intent"
        value={policy ? 'update' : 'create'}
        disabled={busy}
        className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
      >
        {t(policy ? '保存修改' : '保存草稿')}
      </button>
    </Form>
  );
}
