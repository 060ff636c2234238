import { Form, Link } from '@remix-run/react';
import type { SchemeVersion } from '../assessment/assessment.server';
import { useT } from '../i18n/use-t';

/** A rate as the assessment shows it: percent with one decimal, or a dash when it cannot be computed. */
export const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
/** Points with two decimals at most. */
export const points = (v: number | null) => (v === null ? '—' : String(Math.round(v * 100) / 100));

/** The month picker and the links to the month before and after, as a GET form. */
export function MonthPicker({
  month,
  previousMonth,
  nextMonth,
  path,
  error,
}: {
  month: string;
  previousMonth: string;
  nextMonth: string;
  path: string;
  error?: string | null;
}) {
  const { t } = useT();
  return (
    <Form method="get" action={path} className="flex flex-wrap items-end gap-3" aria-label={t('考核月份')}>
      <label className="text-xs text-slate-600">
        {t('考核月份')}
        <input
          type="month"
          name="month"
          defaultValue={month}
          className="mt-0.5 block rounded border px-2 py-1 text-sm text-slate-900"
        />
        {error ? (
          <span role="alert" className="block text-xs text-red-600">
            {t(error)}
          </span>
        ) : null}
      </label>
      <button className="rounded bg-red-700 px-4 py-1.5 text-sm text-white hover:bg-red-800">{t('查询')}</button>
      <Link to={`${path}?month=${previousMonth}`} className="text-sm text-red-700 hover:underline">
        {t('‹ 上月')}
      </Link>
      <Link to={`${path}?month=${nextMonth}`} className="text-sm text-red-700 hover:underline">
        {t('下月 ›')}
      </Link>
    </Form>
  );
}

/** The rules a month is scored with, in one line. */
export function SchemeLine({ scheme }: { scheme: SchemeVersion }) {
  const { t } = useT();
  return (
    <p className="text-sm text-slate-600" data-testid="assessment-scheme">
      {t(
        '考核办法（自 {{from}} 起）：响应率 × {{r}}% + 解决率 × {{s}}% + 满意率 × {{m}}%；每件超期扣 {{o}} 分，每件重办扣 {{d}} 分',
        {
          from: scheme.validFrom,
          r: scheme.responseWeight,
          s: scheme.resolutionWeight,
          m: scheme.satisfactionWeight,
          o: scheme.overdueCentipoints / 100,
          d: scheme.redoneCentipoints / 100,
        },
      )}
    </p>
  );
}
