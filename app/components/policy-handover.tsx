import { useT } from '../i18n/use-t';
import { POLICY_COMPLAINT_KIND_LABELS } from '../ui/labels';
import type { CallerRecord } from '../appeals/policy-handover.server';

/** The policy the operator hands over, as the policy search found it. */
export interface HandoverPolicy {
  policyId: number;
  number: string;
  title: string;
  leadDepartment: string;
  chiefRepresentative: { name: string; phone: string | null } | null;
}

export type HandoverReason = 'consultation' | 'complaint';

/**
 * 转首席代表 / 政策异议 on the intake form: the policy chosen in the policy search, handed to its lead department as a
 * consultation for the chief representative, or recorded as a complaint with its kind and maybe one of the caller's
 * recorded benefits. The server decides the department and the limits; the form only names the policy.
 */
export function PolicyHandover({
  policy,
  reason,
  records,
  errors,
  busy,
  onCancel,
}: {
  policy: HandoverPolicy;
  reason: HandoverReason;
  /** The caller's recorded benefits under this policy. */
  records: CallerRecord[];
  errors: Record<string, string[]>;
  busy: boolean;
  onCancel: () => void;
}) {
  const { t } = useT();
  const err = (name: string) =>
    errors[name] ? (
      <span role="alert" className="block text-xs text-red-600">
        {t(errors[name][0])}
      </span>
    ) : null;
  const complaint = reason === 'complaint';
  return (
    <fieldset
      className="rounded border border-amber-300 bg-amber-50 p-3"
      data-testid="policy-handover"
      aria-label={t(complaint ? '政策异议' : '转首席代表')}
    >
      <legend className="px-1 font-medium text-amber-900">
        {t(complaint ? '政策异议（投诉）' : '转首席代表（政策咨询）')}
      </legend>
      <input type="hidden" name="handoverPolicyId" value={policy.policyId} />
      <input type="hidden" name="handoverReason" value={reason} />
      <p className="text-sm">
        {t('关于政策')} 《{policy.title}》 <span className="text-xs text-slate-500">{policy.number}</span>
      </p>
      <p className="text-xs text-slate-600">
        {t('牵头单位：{{name}}', { name: policy.leadDepartment })}
        {' · '}
        {policy.chiefRepresentative
          ? `${t('首席代表')} ${policy.chiefRepresentative.name}`
          : t('未指定首席代表，由牵头单位办理')}
      </p>
      <p className="text-xs text-slate-500">
        {t(
          complaint
            ? '登记为投诉，直接交牵头单位办理（按分类时限），标注所涉政策'
            : '登记为咨询，直接交牵头单位首席代表答复（政策咨询时限）',
        )}
      </p>
      {err('handoverPolicyId')}
      {err('handoverReason')}
      {complaint ? (
        <div className="mt-2 grid gap-3 md:grid-cols-2">
          <label className="block">
            <span className="text-slate-600">{t('异议类型')}</span>
            <select
              name="complaintKind"
              defaultValue=""
              className="mt-1 w-full rounded border px-2 py-1"
              aria-invalid={Boolean(errors.complaintKind)}
            >
              <option value="">{t('（请选择）')}</option>
              {Object.entries(POLICY_COMPLAINT_KIND_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {t(l)}
                </option>
              ))}
            </select>
            {err('complaintKind')}
          </label>
          <label className="block">
            <span className="text-slate-600">{t('所涉落实记录（选填）')}</span>
            <select
              name="recordId"
              defaultValue=""
              className="mt-1 w-full rounded border px-2 py-1"
              aria-invalid={Boolean(errors.recordId)}
            >
              <option value="">{records.length ? t('（不指明）') : t('（该来电人无此政策的落实记录）')}</option>
              {records.map((r) => (
                <option key={r.id} value={r.id}>
                  {`${r.period} · ${r.name} · ¥${r.amount} · ${r.paidOn}`}
                </option>
              ))}
            </select>
            {err('recordId')}
          </label>
        </div>
      ) : null}
      <div className="mt-2 flex gap-2">
        <button
          name="intent"
          value="policy"
          disabled={busy}
          className="rounded bg-amber-700 px-3 py-1.5 text-white hover:bg-amber-800"
        >
          {t(complaint ? '登记政策异议并转牵头单位' : '转首席代表')}
        </button>
        <button type="button" onClick={onCancel} className="rounded border px-3 py-1.5">
          {t('取消转办')}
        </button>
      </div>
    </fieldset>
  );
}
