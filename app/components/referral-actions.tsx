import { Form, useNavigation } from '@remix-run/react';
import { useT } from '../i18n/use-t';
import { REFERRAL_KIND_LABELS } from '../ui/labels';
import { NEXT_ROUTE_LABELS, PARTY_SIDE_NAMES, referralEventLabel } from '../ui/referral-labels';
import { CsrfField } from '../ui/csrf';

type Errors = Record<string, string[]> | undefined;

export interface ReferralActionOptions {
  kind: string;
  actions: string[];
  /** What SET_PARTIES shows filled in: the parties as recorded (ID numbers and phones are never sent back). */
  arbitrationParties?: ArbitrationPartiesDefaults | null;
  parties: { id: number; name: string; side: string }[];
  openSessions: { no: number; scheduledAt: string; place: string }[];
  referOnAgencies: { id: number; name: string; kind: string }[];
}

export interface ArbitrationPartiesDefaults {
  applicant: { name: string; idNumber: string; address: string };
  respondent: { name: string; creditCode: string; address: string; representative: string | null };
  claims: string;
}

const input = 'mt-1 w-full rounded border px-2 py-1';

function FieldError({ errors, name }: { errors: Errors; name: string }) {
  const { t } = useT();
  const msg = errors?.[name]?.[0];
  return msg ? (
    <span role="alert" className="block text-xs text-red-600">
      {t(msg)}
    </span>
  ) : null;
}

function Text({
  name,
  label,
  errors,
  rows = 2,
  value,
}: {
  name: string;
  label: string;
  errors: Errors;
  rows?: number;
  value?: string;
}) {
  const { t } = useT();
  return (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <textarea
        name={name}
        rows={rows}
        defaultValue={value}
        className={input}
        aria-label={t(label)}
        aria-invalid={Boolean(errors?.[name])}
      />
      <FieldError errors={errors} name={name} />
    </label>
  );
}

function Line({
  name,
  label,
  errors,
  type = 'text',
  value,
}: {
  name: string;
  label: string;
  errors: Errors;
  type?: string;
  value?: string | null;
}) {
  const { t } = useT();
  return (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <input
        name={name}
        type={type}
        defaultValue={value ?? undefined}
        className={input}
        aria-label={t(label)}
        aria-invalid={Boolean(errors?.[name])}
      />
      <FieldError errors={errors} name={name} />
    </label>
  );
}

function Choice({
  name,
  label,
  options,
  errors,
  empty = '请选择',
  value,
}: {
  name: string;
  label: string;
  options: [string | number, string][];
  errors: Errors;
  empty?: string;
  value?: string | number;
}) {
  const { t } = useT();
  return (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <select
        name={name}
        className={input}
        defaultValue={value ?? ''}
        aria-label={t(label)}
        aria-invalid={Boolean(errors?.[name])}
      >
        <option value="">{t(empty)}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      <FieldError errors={errors} name={name} />
    </label>
  );
}

function PartyChecks({
  name,
  legend,
  parties,
  checked,
  errors,
}: {
  name: string;
  legend: string;
  parties: ReferralActionOptions['parties'];
  checked: boolean;
  errors: Errors;
}) {
  const { t } = useT();
  return (
    <fieldset>
      <legend className="text-slate-600">{t(legend)}</legend>
      {parties.length ? (
        <div className="flex flex-wrap gap-x-4">
          {parties.map((p) => (
            <label key={p.id} className="inline-flex items-center gap-1">
              <input type="checkbox" name={name} value={p.id} defaultChecked={checked} />
              <span>{p.name}</span>
            </label>
          ))}
        </div>
      ) : (
        <p className="text-xs text-slate-500">{t('尚未添加当事人')}</p>
      )}
      <FieldError errors={errors} name={name} />
    </fieldset>
  );
}

function SessionChoice({ options, errors, label }: { options: ReferralActionOptions; errors: Errors; label: string }) {
  const { t } = useT();
  const sessions = options.openSessions;
  return (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <select
        name="no"
        className={input}
        defaultValue={sessions[0]?.no ?? ''}
        aria-label={t(label)}
        aria-invalid={Boolean(errors?.no)}
      >
        {sessions.map((s) => (
          <option key={s.no} value={s.no}>
            {t('第 {{n}} 次', { n: s.no })} · {s.scheduledAt} · {s.place}
          </option>
        ))}
      </select>
      <FieldError errors={errors} name="no" />
    </label>
  );
}

/** The applicant and the respondent employer of an arbitration, with the claims; an edit keeps what it leaves empty. */
function ArbitrationPartyFields({ defaults, errors }: { defaults: ArbitrationPartiesDefaults | null; errors: Errors }) {
  const { t } = useT();
  const a = defaults?.applicant;
  const r = defaults?.respondent;
  return (
    <>
      <fieldset className="space-y-2">
        <legend className="font-medium">{t('申请人')}</legend>
        <Line name="applicantName" label="申请人姓名" errors={errors} value={a?.name} />
        <Line
          name="applicantIdNumber"
          label={a ? '申请人身份证号（已登记，不改请留空）' : '申请人身份证号'}
          errors={errors}
        />
        {a ? <p className="text-xs text-slate-500">{t('已登记：{{id}}', { id: a.idNumber })}</p> : null}
        <Line name="applicantAddress" label="申请人住址" errors={errors} value={a?.address} />
        <Line name="applicantPhone" label="申请人电话（可选）" errors={errors} type="tel" />
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="font-medium">{t('被申请人（用人单位）')}</legend>
        <Line name="respondentName" label="单位名称" errors={errors} value={r?.name} />
        <Line name="respondentCreditCode" label="统一社会信用代码" errors={errors} value={r?.creditCode} />
        <Line name="respondentAddress" label="单位住所" errors={errors} value={r?.address} />
        <Line name="respondentRepresentative" label="法定代表人（可选）" errors={errors} value={r?.representative} />
        <Line name="respondentPhone" label="单位电话（可选）" errors={errors} type="tel" />
      </fieldset>
      <Text name="claims" label="仲裁请求" errors={errors} rows={3} value={defaults?.claims} />
    </>
  );
}

/** When the session was held; left empty it is recorded as held now. Never before its planned time. */
function HeldAt({ errors }: { errors: Errors }) {
  return <Line name="heldAt" label="举行时间（北京时间，不填为现在）" errors={errors} type="datetime-local" />;
}

const YES_NO: [string, string][] = [
  ['yes', '已解决'],
  ['no', '未解决'],
];

function Fields({ type, options, errors }: { type: string; options: ReferralActionOptions; errors: Errors }) {
  const { t } = useT();
  const yesNo = YES_NO.map(([v, l]) => [v, t(l)] as [string, string]);
  const kind = options.kind;
  switch (type) {
    case 'REFUSE':
    case 'REJECT_CONFIRMATION':
    case 'REQUEST_EXTENSION':
    case 'REJECT_EXTENSION':
    case 'WITHDRAW':
      return <Text name="reason" label="理由" errors={errors} />;
    case 'NOTE':
      return <Text name="text" label="记录内容" errors={errors} />;
    case 'ADD_PARTY':
      return (
        <>
          <Line name="name" label="姓名" errors={errors} />
          <Choice
            name="side"
            label="当事人身份"
            options={Object.entries(PARTY_SIDE_NAMES).map(([v, l]) => [v, t(l)])}
            errors={errors}
          />
          <Line name="phone" label="电话（可选）" errors={errors} type="tel" />
          <Line name="idNumber" label="身份证号（可选）" errors={errors} />
          <Line name="address" label="住址（可选）" errors={errors} />
        </>
      );
    case 'SET_PARTIES':
      return <ArbitrationPartyFields defaults={options.arbitrationParties ?? null} errors={errors} />;
    case 'SCHEDULE_SESSION':
    case 'SCHEDULE_HEARING':
      return (
        <>
          <Line name="scheduledAt" label="时间（北京时间）" errors={errors} type="datetime-local" />
          <Line name="place" label="地点" errors={errors} />
        </>
      );
    case 'RECORD_SESSION':
      return kind === 'mediation' ? (
        <>
          <SessionChoice options={options} errors={errors} label="场次" />
          <input type="hidden" name="attendeePartyIds-present" value="1" />
          <PartyChecks
            name="attendeePartyIds"
            legend="到场当事人"
            parties={options.parties}
            checked={false}
            errors={errors}
          />
          <Text name="minutes" label="调解笔录" errors={errors} rows={3} />
          <HeldAt errors={errors} />
        </>
      ) : (
        <>
          <SessionChoice options={options} errors={errors} label="场次" />
          <Text name="notes" label="咨询记录" errors={errors} rows={3} />
          <HeldAt errors={errors} />
        </>
      );
    case 'RECORD_HEARING':
      return (
        <>
          <SessionChoice options={options} errors={errors} label="场次" />
          <Text name="minutes" label="庭审笔录" errors={errors} rows={3} />
          <HeldAt errors={errors} />
        </>
      );
    case 'REACH_AGREEMENT':
      return (
        <>
          <Text name="text" label="协议内容" errors={errors} rows={4} />
          <PartyChecks name="signedPartyIds" legend="签字当事人" parties={options.parties} checked errors={errors} />
        </>
      );
    case 'FAIL':
      return (
        <>
          <Text name="reason" label="调解不成原因" errors={errors} />
          <Choice
            name="nextRoute"
            label="后续途径"
            options={Object.entries(NEXT_ROUTE_LABELS).map(([v, l]) => [v, t(l)])}
            errors={errors}
          />
          <Choice
            name="referOnAgencyId"
            label="转介至"
            empty="仅建议，不转介"
            errors={errors}
            options={options.referOnAgencies.map((a) => [
              a.id,
              `${a.name}（${t(REFERRAL_KIND_LABELS[a.kind] ?? a.kind)}）`,
            ])}
          />
        </>
      );
    case 'CONCLUDE':
      if (kind === 'mediation') return <Text name="note" label="结案说明（可选）" errors={errors} />;
      if (kind === 'counselling') {
        return (
          <>
            <Text name="summary" label="咨询小结" errors={errors} rows={3} />
            <Choice name="resolved" label="是否解决" options={yesNo} errors={errors} />
          </>
        );
      }
      return (
        <>
          <Text name="result" label="办理结果" errors={errors} rows={3} />
          <Choice name="resolved" label="是否解决" options={yesNo} errors={errors} />
        </>
      );
    case 'REQUEST_CONFIRMATION':
      return <Line name="court" label="受理法院" errors={errors} />;
    case 'CONFIRM':
      return <Line name="ruling" label="裁定书文号" errors={errors} />;
    case 'GRANT':
      return (
        <>
          <Line name="lawyerName" label="律师姓名" errors={errors} />
          <Line name="lawyerFirm" label="律师事务所" errors={errors} />
          <Line name="lawyerPhone" label="律师电话（可选）" errors={errors} type="tel" />
        </>
      );
    case 'AWARD':
      return (
        <>
          <Text name="text" label="裁决内容" errors={errors} rows={3} />
          <Choice name="resolved" label="是否解决" options={yesNo} errors={errors} />
        </>
      );
    default:
      return null;
  }
}

/** One small form per event the case accepts from this user now; each carries the version the user is looking at. */
export function ReferralActions({
  options,
  version,
  failed,
}: {
  options: ReferralActionOptions;
  version: number;
  failed?: { intent: string; fieldErrors?: Record<string, string[]>; message: string };
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  if (!options.actions.length)
    return (
      <p className="text-slate-500" data-testid="no-actions">
        {t('当前没有您可执行的操作')}
      </p>
    );
  return (
    <div className="grid gap-3 md:grid-cols-2 lg:grid-cols-3">
      {options.actions.map((type) => {
        const label = t(referralEventLabel(options.kind, type));
        const errors = failed?.intent === type ? failed.fieldErrors : undefined;
        return (
          <Form key={type} method="post" className="space-y-2 rounded border p-3" aria-label={label} noValidate>
            <CsrfField />
            <input type="hidden" name="intent" value={type} />
            <input type="hidden" name="version" value={version} />
            <Fields type={type} options={options} errors={errors} />
            {failed?.intent === type ? (
              <p role="alert" className="text-red-600">
                {t(failed.message)}
              </p>
            ) : null}
            <button
              disabled={busy}
              className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800 disabled:opacity-60"
            >
              {label}
            </button>
          </Form>
        );
      })}
    </div>
  );
}
