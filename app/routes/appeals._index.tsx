import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { requireUser } from '../auth/session.server';
import { searchAppeals, searchOptions, type SearchResult } from '../appeals/search.server';
import { WorklistTable } from '../components/worklist-table';
import { formFailure, type FormFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CHART_LABELS, PHASE_LABELS, SLA_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '诉求查询 · 12345 热线' }];

const FILTER_KEYS = ['q', 'category', 'department', 'grid', 'phase', 'sla', 'from', 'to'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const em = context.runtime.db.em();
  const url = new URL(request.url);
  // Echo the filters back as typed, so a refused value stays in its field next to its error.
  const values = Object.fromEntries(FILTER_KEYS.map((k) => [k, url.searchParams.get(k) ?? ''])) as Record<
    FilterKey,
    string
  >;
  const options = await searchOptions(em);
  try {
    const result = await searchAppeals(em, user, url.searchParams, { after: url.searchParams.get('after') });
    return json({ values, options, result, failure: null as FormFailure | null, paged: url.searchParams.has('after') });
  } catch (err) {
    const { failure, status } = formFailure(err, 'search');
    return json({ values, options, result: null as SearchResult | null, failure, paged: false }, { status });
  }
}

const field = 'w-full rounded border px-2 py-1 bg-white';

function FieldError({ name, errors }: { name: string; errors?: Record<string, string[]> }) {
  const { t } = useT();
  const msgs = errors?.[name];
  if (!msgs?.length) return null;
  return (
    <p id={`${name}-error`} role="alert" className="mt-0.5 text-xs text-red-700">
      {msgs.map((m) => t(m)).join('；')}
    </p>
  );
}

export default function AppealSearch() {
  const { t } = useT();
  const { values, options, result, failure, paged } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === 'loading';
  const errors = failure?.fieldErrors;
  const described = (name: string) =>
    errors?.[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {};
  const filterQuery = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '')).toString();
  const nextHref = result?.nextCursor
    ? `?${new URLSearchParams([...new URLSearchParams(filterQuery), ['after', result.nextCursor]])}`
    : null;
  const phaseLabel = (p: string) =>
    p === 'handling' || p === 'callback'
      ? t('{{phase}}（全部）', { phase: t(CHART_LABELS[p]) })
      : PHASE_LABELS[p]
        ? t(PHASE_LABELS[p])
        : p;

  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">{t('诉求查询')}</h1>
      {/* Remount on each search so the fields show the filters of the page being shown. */}
      <Form
        key={filterQuery}
        method="get"
        role="search"
        aria-label={t('查询条件')}
        className="grid grid-cols-4 gap-3 rounded-lg border bg-white p-4"
      >
        <div className="col-span-2">
          <label htmlFor="f-q" className="block text-slate-600">
            {t('号码/电话/内容')}
          </label>
          <input
            id="f-q"
            name="q"
            defaultValue={values.q}
            className={field}
            placeholder={t('诉求编号、来电号码或关键词')}
            {...described('q')}
          />
          <FieldError name="q" errors={errors} />
        </div>
        <div>
          <label htmlFor="f-category" className="block text-slate-600">
            {t('分类')}
          </label>
          <select
            id="f-category"
            name="category"
            defaultValue={values.category}
            className={field}
            {...described('category')}
          >
            <option value="">{t('全部')}</option>
            {options.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.parentId ? `\u3000${c.name}` : c.name}
              </option>
            ))}
          </select>
          <FieldError name="category" errors={errors} />
        </div>
        <div>
          <label htmlFor="f-department" className="block text-slate-600">
            {t('承办单位')}
          </label>
          <select
            id="f-department"
            name="department"
            defaultValue={values.department}
            className={field}
            {...described('department')}
          >
            <option value="">{t('全部')}</option>
            {options.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          <FieldError name="department" errors={errors} />
        </div>
        <div>
          <label htmlFor="f-grid" className="block text-slate-600">
            {t('网格')}
          </label>
          <select id="f-grid" name="grid" defaultValue={values.grid} className={field} {...described('grid')}>
            <option value="">{t('全部')}</option>
            {options.grids.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <FieldError name="grid" errors={errors} />
        </div>
        <div>
          <label htmlFor="f-phase" className="block text-slate-600">
            {t('状态')}
          </label>
          <select id="f-phase" name="phase" defaultValue={values.phase} className={field} {...described('phase')}>
            <option value="">{t('全部')}</option>
            {options.phases.map((p) => (
              <option key={p} value={p}>
                {phaseLabel(p)}
              </option>
            ))}
          </select>
          <FieldError name="phase" errors={errors} />
        </div>
        <div>
          <label htmlFor="f-sla" className="block text-slate-600">
            {t('时限状态')}
          </label>
          <select id="f-sla" name="sla" defaultValue={values.sla} className={field} {...described('sla')}>
            <option value="">{t('全部')}</option>
            {options.slas.map((s) => (
              <option key={s} value={s}>
                {SLA_LABELS[s] ? t(SLA_LABELS[s]) : s}
              </option>
            ))}
          </select>
          <FieldError name="sla" errors={errors} />
        </div>
        <fieldset className="flex gap-2">
          <legend className="text-slate-600">{t('起止日期')}</legend>
          <div className="flex-1">
            <label htmlFor="f-from" className="sr-only">
              {t('开始日期')}
            </label>
            <input
              id="f-from"
              name="from"
              type="date"
              defaultValue={values.from}
              className={field}
              {...described('from')}
            />
            <FieldError name="from" errors={errors} />
          </div>
          <div className="flex-1">
            <label htmlFor="f-to" className="sr-only">
              {t('结束日期')}
            </label>
            <input id="f-to" name="to" type="date" defaultValue={values.to} className={field} {...described('to')} />
            <FieldError name="to" errors={errors} />
          </div>
        </fieldset>
        <div className="col-span-4 flex items-center gap-3">
          <button
            type="submit"
            className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800 disabled:opacity-60"
            disabled={busy}
          >
            {t('查询')}
          </button>
          <Link to="/appeals" className="text-slate-600 hover:underline">
            {t('清空条件')}
          </Link>
          {failure ? (
            <span role="alert" className="text-red-700" data-testid="search-error">
              {t(failure.message)}
              {errors?.after ? t('：分页已失效，请重新查询') : ''}
            </span>
          ) : null}
        </div>
      </Form>

      {result ? (
        <section aria-labelledby="results-h" className="rounded-lg border bg-white">
          <h2 id="results-h" className="flex items-baseline justify-between border-b px-4 py-2 font-semibold">
            <span>{t('查询结果')}</span>
            <span className="text-sm font-normal text-slate-600">
              {t('共')} <span data-testid="search-total">{result.total}</span> {t('条')}
            </span>
          </h2>
          <WorklistTable items={result.items} />
          <nav aria-label={t('分页')} className="flex gap-4 border-t px-4 py-2">
            {paged ? (
              <Link to={filterQuery ? `?${filterQuery}` : '/appeals'} className="text-red-700 hover:underline">
                {t('第一页')}
              </Link>
            ) : null}
            {nextHref ? (
              <Link to={nextHref} className="text-red-700 hover:underline">
                {t('下一页')}
              </Link>
            ) : (
              <span className="text-slate-400">{t('已是最后一页')}</span>
            )}
          </nav>
        </section>
      ) : null}
    </div>
  );
}
