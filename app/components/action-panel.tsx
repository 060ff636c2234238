import { Form, useNavigation } from '@remix-run/react';
import type { ActionOptions, VerificationPhoto } from '../appeals/actions.server';
import { useT } from '../i18n/use-t';
import type { ReferralKind } from '../../machines/appeal-events';
import { EVENT_LABELS, REFERRAL_KIND_LABELS } from '../ui/labels';
import { CsrfField } from '../ui/csrf';
import { RedoFields, ReplyUnderReviewBox } from './review-panel';
import { STEPS_WITH_FILES } from '../appeals/step-files';
import { StepFilesField } from './step-files';
import { CatalogueDispatch, CatalogueReason } from './catalogue-dispatch';
import { LeadAndAssistingPicker } from './department-picker';
import { ReclassifyFields } from './reclassification';
import { ReturnReason } from './return-reason';
import { ExtensionApprovalFields } from './extension-approval-fields';

type Errors = Record<string, string[]> | undefined;

function FieldError({ errors, name }: { errors: Errors; name: string }) {
  const { t } = useT();
  const msg = errors?.[name]?.[0];
  return msg ? (
    <span role="alert" className="block text-xs text-red-600">
      {t(msg)}
    </span>
  ) : null;
}

const input = 'mt-1 w-full rounded border px-2 py-1';

function Text({ name, label, errors, rows = 2 }: { name: string; label: string; errors: Errors; rows?: number }) {
  const { t } = useT();
  return (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <textarea name={name} rows={rows} className={input} aria-invalid={Boolean(errors?.[name])} />
      <FieldError errors={errors} name={name} />
    </label>
  );
}

function Choice({
  name,
  label,
  options,
  errors,
  value,
}: {
  name: string;
  label: string;
  options: [string | number, string][];
  errors: Errors;
  value?: string | number | null;
}) {
  const { t } = useT();
  return (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <select name={name} className={input} defaultValue={value ?? ''} aria-invalid={Boolean(errors?.[name])}>
        <option value="">{t('请选择')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {t(l)}
          </option>
        ))}
      </select>
      <FieldError errors={errors} name={name} />
    </label>
  );
}

/** The grid ASSIGN_GRID starts on, worked out from the appeal's location. */
export interface SuggestedGrid {
  id: number;
  name: string;
  from: 'point' | 'intake';
}

function Fields({
  type,
  options,
  errors,
  suggestedGrid,
}: {
  type: string;
  options: ActionOptions;
  errors: Errors;
  suggestedGrid?: SuggestedGrid | null;
}) {
  const { t } = useT();
  const reason = <Text name="reason" label="理由" errors={errors} />;
  switch (type) {
    case 'DISPATCH':
      return (
        <>
          {options.suggestions.length ? (
            <p className="text-xs text-slate-600" data-testid="dispatch-suggestions">
              {t('建议：')}
              {options.suggestions.map((s, i) => (
                <span key={`${s.reason}-${s.id}`}>
                  {i ? t('；') : ''}
                  {s.name}
                  {s.reason === 'catalogue' && options.catalogue ? (
                    <>
                      （<CatalogueReason match={options.catalogue} />）
                    </>
                  ) : s.reason === 'categoryDefault' ? (
                    t('（分类默认）')
                  ) : (
                    t('（同类同地历史 {{n}} 次）', { n: s.count })
                  )}
                </span>
              ))}
            </p>
          ) : null}
          <LeadAndAssistingPicker
            units={options.departments}
            lead={options.suggestedDepartmentId}
            assisting={options.suggestedAssistingIds}
            errors={errors}
          />
        </>
      );
    case 'RECLASSIFY':
      return options.reclassify ? (
        <ReclassifyFields reclassify={options.reclassify} grids={options.grids} errors={errors} />
      ) : null;
    case 'SUB_DISPATCH':
      return (
        <Choice
          name="departmentId"
          label="下级单位"
          options={options.subUnits.map((d) => [d.id, d.name])}
          errors={errors}
        />
      );
    case 'ASSIGN_GRID':
      return (
        <>
          {suggestedGrid ? (
            <p className="text-xs text-slate-600" data-testid="grid-suggestion">
              {t(suggestedGrid.from === 'point' ? '建议：{{name}}（按诉求位置）' : '建议：{{name}}（登记时所选）', {
                name: suggestedGrid.name,
              })}
            </p>
          ) : null}
          <Choice
            name="gridId"
            label="网格"
            options={options.grids.map((g) => [g.id, g.name])}
            errors={errors}
            value={suggestedGrid?.id}
          />
        </>
      );
    case 'RESOLVE_ON_SPOT':
      return <Text name="answer" label="答复内容" errors={errors} rows={3} />;
    case 'MERGE_INTO':
      return (
        <label className="block">
          <span className="text-slate-600">{t('合并到诉求编号')}</span>
          <input
            name="targetNumber"
            className={input}
            placeholder="20261122-000123"
            aria-invalid={Boolean(errors?.targetNumber)}
          />
          <FieldError errors={errors} name="targetNumber" />
          <FieldError errors={errors} name="targetAppealId" />
        </label>
      );
    case 'REFER':
      return (
        <>
          <Choice
            name="agencyId"
            label="转介至"
            options={options.agencies.map((a) => [
              a.id,
              `${a.name}（${t(REFERRAL_KIND_LABELS[a.kind as ReferralKind])}）`,
            ])}
            errors={errors}
          />
          <Text name="note" label="说明" errors={errors} />
        </>
      );
    case 'APPROVE_RETURN':
      return <ReturnReason reason={options.returnReason} />;
    case 'REJECT_RETURN':
      return (
        <>
          <ReturnReason reason={options.returnReason} />
          {reason}
        </>
      );
    case 'RETURN':
    case 'REJECT_EXTENSION':
    case 'SUPERVISOR_CLOSE':
    case 'REOPEN':
      return reason;
    case 'NOTE':
    case 'FIELD_UPDATE':
      return <Text name="text" label="记录内容" errors={errors} />;
    case 'REQUEST_EXTENSION':
      return (
        <>
          <label className="block">
            <span className="text-slate-600">{t('延期工作日')}</span>
            <input name="days" type="number" min={1} max={30} className={input} aria-invalid={Boolean(errors?.days)} />
            <FieldError errors={errors} name="days" />
          </label>
          {reason}
        </>
      );
    case 'APPROVE_EXTENSION':
      return <ExtensionApprovalFields request={options.extensionRequest} error={errors?.days?.[0]} className={input} />;
    case 'REPLY':
      return (
        <>
          <Text name="result" label="办理结果" errors={errors} rows={3} />
          <Choice
            name="resolved"
            label="是否解决"
            options={[
              ['yes', '已解决'],
              ['no', '未解决'],
            ]}
            errors={errors}
          />
          {options.openAssists ? (
            <Text name="assistOverride" label="协办单位尚未反馈，直接答复的理由" errors={errors} />
          ) : null}
          <StepFilesField errors={errors} />
        </>
      );
    case 'ASSIST_OPINION':
      return (
        <>
          <Text name="text" label="协办意见" errors={errors} rows={3} />
          <StepFilesField errors={errors} />
        </>
      );
    case 'FEEDBACK':
      return (
        <>
          <Choice
            name="satisfaction"
            label="满意度"
            options={[
              ['satisfied', '满意'],
              ['basicallySatisfied', '基本满意'],
              ['dissatisfied', '不满意'],
            ]}
            errors={errors}
          />
          <Choice
            name="resolved"
            label="问题是否解决"
            options={[
              ['yes', '已解决'],
              ['no', '未解决'],
            ]}
            errors={errors}
          />
          <Text name="comment" label="市民意见" errors={errors} />
        </>
      );
    case 'UNREACHABLE':
      return <Text name="note" label="备注" errors={errors} />;
    case 'VERIFY_APPROVE':
      return <Text name="note" label="核查意见（可选）" errors={errors} />;
    case 'REJECT_REPLY':
    case 'REDO':
    case 'VERIFY_REJECT':
      return (
        <RedoFields
          targets={options.redoTargets[type] ?? []}
          errors={errors}
          reasonLabel={type === 'VERIFY_REJECT' ? '退回原因' : '理由'}
        />
      );
    case 'SUPERVISE':
      return <Text name="note" label="督办意见" errors={errors} />;
    case 'MARK_UNREASONABLE':
      return (
        <>
          <Choice
            name="unreasonable"
            label="认定"
            options={[
              ['yes', '不合理诉求（不计入满意率）'],
              ['no', '撤销认定'],
            ]}
            errors={errors}
          />
          <Text name="reason" label="认定理由" errors={errors} />
        </>
      );
    case 'ESCALATE':
      return (
        <>
          <Choice
            name="to"
            label="升级至"
            options={[
              ['leader', '领导接访'],
              ['jointMeeting', '联席会议'],
            ]}
            errors={errors}
          />
          <Text name="note" label="说明" errors={errors} />
        </>
      );
    default:
      return null;
  }
}

/**
 * The appeal's photos for the verifier (核查), earliest first. Photos marked with a stage (a patrol
 * report's) are labelled by it; otherwise, with two or more, the first is "before" and the last "after".
 */
function VerificationPhotos({ photos }: { photos: VerificationPhoto[] }) {
  const { t } = useT();
  const staged = photos.some((p) => p.stage !== null);
  const tag = (i: number) => {
    if (staged) return photos[i].stage === 'before' ? '处置前' : photos[i].stage === 'after' ? '处置后' : null;
    return photos.length < 2 ? null : i === 0 ? '处置前' : i === photos.length - 1 ? '处置后' : null;
  };
  return (
    <section
      className="mb-3 rounded border border-amber-300 bg-amber-50 p-3"
      aria-label={t('核查照片')}
      data-testid="verification-photos"
    >
      <h3 className="mb-2 font-medium">{t('核查照片')}</h3>
      {photos.length ? (
        <ul className="flex flex-wrap gap-3">
          {photos.map((p, i) => (
            <li key={p.id} className="w-44 text-xs" data-testid="verification-photo">
              <a href={`/attachments/${p.id}`} className="block" title={p.fileName}>
                <img
                  src={`/attachments/${p.id}`}
                  alt={p.fileName}
                  loading="lazy"
                  className="h-32 w-44 rounded border bg-white object-cover"
                />
              </a>
              {tag(i) ? (
                <span
                  className="mt-1 inline-block rounded bg-amber-200 px-1.5 py-0.5 font-medium"
                  data-testid="photo-tag"
                >
                  {t(tag(i)!)}
                </span>
              ) : null}
              <span className="block text-slate-600">
                {p.uploadedBy} · {p.uploadedAt}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-slate-500">{t('该诉求没有照片')}</p>
      )}
    </section>
  );
}

/** One small form per action the machine accepts now; each carries the version the user is looking at. */
export function ActionPanel({
  options,
  version,
  failed,
  suggestedGrid,
}: {
  options: ActionOptions;
  version: number;
  failed?: { intent: string; fieldErrors?: Record<string, string[]>; message: string };
  suggestedGrid?: SuggestedGrid | null;
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const photos = options.types.some((type) => type === 'VERIFY_APPROVE' || type === 'VERIFY_REJECT') ? (
    <VerificationPhotos photos={options.verificationPhotos} />
  ) : null;
  if (!options.types.length)
    return (
      <p className="text-slate-500" data-testid="no-actions">
        {t('当前没有您可执行的操作')}
      </p>
    );
  return (
    <>
      {options.underReview ? <ReplyUnderReviewBox reply={options.underReview} /> : null}
      {photos}
      {options.catalogue && options.types.includes('DISPATCH') ? (
        <CatalogueDispatch match={options.catalogue} version={version} />
      ) : null}
      <div className="grid gap-3 md:grid-cols-2 lg:grid-cols-3">
        {options.types.map((type) => {
          const errors = failed?.intent === type ? failed.fieldErrors : undefined;
          return (
            <Form
              key={type}
              method="post"
              {...(STEPS_WITH_FILES.includes(type) ? { encType: 'multipart/form-data', action: `?step=${type}` } : {})}
              className="space-y-2 rounded border p-3"
              aria-label={t(EVENT_LABELS[type])}
              noValidate
            >
              <CsrfField />
              <input type="hidden" name="intent" value={type} />
              <input type="hidden" name="version" value={version} />
              <Fields type={type} options={options} errors={errors} suggestedGrid={suggestedGrid} />
              {failed?.intent === type ? (
                <p role="alert" className="text-red-600">
                  {t(failed.message)}
                </p>
              ) : null}
              <button
                disabled={busy}
                className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800 disabled:opacity-60"
              >
                {t(EVENT_LABELS[type])}
              </button>
            </Form>
          );
        })}
      </div>
    </>
  );
}
