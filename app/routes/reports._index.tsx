import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigate, useNavigation } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useEffect, useMemo, useState } from 'react';
import type { GridGeometry } from '../../entities/grid';
import { requireUserWith } from '../auth/session.server';
import type { MapGrid } from '../components/grid-map.client';
import { countScale, useGridMap } from '../components/grid-map-loader';
import { RankingChart, TrendChart } from '../components/report-charts';
import { localDateOf } from '../calendar/working-time';
import { rankingData, trendData } from '../reports/charts';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { MEASURES, measureValue, type Cells, type CellColumn, type Measure } from '../reports/measures';
import type { ReportPeriod } from '../reports/report-types';
import {
  DEFAULT_RANK_MEASURE,
  VIEW_LABELS,
  changeOf,
  formatValue,
  measureByKey,
  rankRows,
} from '../reports/report-view';
import { addDays, parseReportQuery, reportDashboard, reportSearch } from '../reports/report.server';

export const meta: MetaFunction = () => [{ title: '统计报表 · 12345 热线' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'reports:read');
  const params = new URL(request.url).searchParams;
  const asked = Object.fromEntries(params);
  const rank = measureByKey(params.get('rank'))?.key ?? DEFAULT_RANK_MEASURE;
  const today = localDateOf(new Date());
  let query;
  try {
    query = parseReportQuery(params, today);
  } catch (err) {
    // A bad form is shown again with its messages, not as an error page.
    const { failure, status } = formFailure(err, 'report');
    return json({ asked, rank, errors: failure.fieldErrors ?? {}, page: null, nav: null, today }, { status });
  }
  const page = await domain(() => reportDashboard(context.runtime.db.em(), user.actor, query));
  const search = reportSearch(query).toString();
  const at = (date: string) => {
    const s = reportSearch(query);
    s.set('date', date);
    return s.toString();
  };
  const nav =
    query.period === 'custom'
      ? { search, earlier: null, later: null }
      : { search, earlier: at(page.report.previous.from), later: at(addDays(query.to, 1)) };
  return json({ asked, rank, errors: null, page, nav, today });
}

const PERIOD_LABELS: Record<ReportPeriod, string> = { day: '日报', week: '周报', month: '月报', custom: '自定义' };
const KPI_MEASURES = [
  'received',
  'responseRate',
  'satisfactionRate',
  'onTimeClosureRate',
  'overdue',
  'avgHandlingDays',
];

interface Range {
  from: string;
  to: string;
}

type FigureLink = (key: string, column: CellColumn, range: Range) => string;

/** The drill-through link of one figure: the appeals it counts. */
const figureLink =
  (view: string, period: string): FigureLink =>
  (key, column, range) =>
    `/reports/appeals?${new URLSearchParams({ view, key, from: range.from, to: range.to, measure: column, period })}`;

function Change({ m, cells, previous }: { m: Measure; cells: Cells; previous: Cells }) {
  const { t } = useT();
  const c = changeOf(m, cells, previous);
  if (!c) return <span className="text-slate-400">—</span>;
  const tone = c.better === null ? 'text-slate-500' : c.better ? 'text-green-700' : 'text-red-700';
  return (
    <span className={tone} data-testid="change">
      {c.text === '持平' ? t('持平') : c.text}
    </span>
  );
}

/** One measure for one row: the figure (a link to its appeals), n/d for rates, and last period's figure with the change. */
function FigureCell({
  m,
  rowKey,
  cells,
  previous,
  link,
  current,
  before,
  total = false,
}: {
  m: Measure;
  rowKey: string;
  cells: Cells;
  previous: Cells;
  link: FigureLink;
  current: Range;
  before: Range;
  total?: boolean;
}) {
  const { t } = useT();
  const value = formatValue(m, cells);
  const count = cells[m.numerator];
  const main = (
    <Link
      to={link(rowKey, m.numerator, current)}
      data-testid="figure"
      data-measure={m.key}
      data-column={m.numerator}
      data-count={count}
      className={`font-medium hover:underline ${m.key === 'overdue' && count > 0 ? 'text-red-700' : 'text-slate-900'} ${total ? 'font-semibold' : ''}`}
      title={t('查看构成该数字的诉求')}
    >
      {value}
    </Link>
  );
  return (
    <td className="whitespace-nowrap border-l border-slate-100 px-2 py-1.5 text-right align-top tabular-nums">
      {main}
      {m.denominator && m.kind === 'rate' ? (
        <div className="text-[11px] text-slate-500">
          <Link
            to={link(rowKey, m.numerator, current)}
            className="hover:underline"
            data-testid="figure"
            data-measure={m.numerator}
            data-count={cells[m.numerator]}
          >
            {cells[m.numerator]}
          </Link>
          /
          <Link
            to={link(rowKey, m.denominator, current)}
            className="hover:underline"
            data-testid="figure"
            data-measure={m.denominator}
            data-count={cells[m.denominator]}
          >
            {cells[m.denominator]}
          </Link>
        </div>
      ) : null}
      <div className="text-[11px] text-slate-500">
        <span title={t('上期')}>
          <Link
            to={link(rowKey, m.numerator, before)}
            className="hover:underline"
            data-testid="figure-previous"
            data-measure={m.key}
          >
            {formatValue(m, previous)}
          </Link>
        </span>
        {' · '}
        <Change m={m} cells={cells} previous={previous} />
      </div>
    </td>
  );
}

export default function Reports() {
  const { t } = useT();
  const data = useLoaderData<typeof loader>();
  const { page, errors, asked, nav } = data;
  const navigate = useNavigate();
  const loading = useNavigation().state === 'loading';
  const [rankKey, setRankKey] = useState(data.rank);
  const [period, setPeriod] = useState<string>(asked.period || 'month');
  const GridMap = useGridMap();
  useEffect(() => setRankKey(data.rank), [data.rank]);
  useEffect(() => setPeriod(asked.period || 'month'), [asked.period]);

  const report = page?.report ?? null;
  const query = report?.query;
  const period_ = query?.period ?? 'month';
  const link = figureLink(query?.view ?? 'department', period_);
  const cityLink = figureLink('all', period_);
  const gridLink = figureLink('grid', period_);
  const categoryLink = figureLink('category', period_);
  const rankMeasure = measureByKey(rankKey) ?? MEASURES[0];
  // "Not sent to a department" or "no grid" is not a unit to rank.
  const ranked = useMemo(
    () =>
      report
        ? rankRows(
            report.rows.filter((r) => r.key !== ''),
            rankMeasure,
          )
        : [],
    [report, rankMeasure],
  );
  const grids = useMemo(() => page?.grids ?? [], [page]);
  const scale = useMemo(() => countScale(grids.map((g) => g.received)), [grids]);
  const mapGrids = useMemo<MapGrid[]>(
    () =>
      grids.map((g) => ({
        id: g.id,
        code: g.code,
        polygon: g.polygon as GridGeometry,
        fill: scale.color(g.received),
        overdue: g.overdue,
        tooltip: `${g.code} ${g.name} · ${t('受理量')} ${g.received} · ${t('超期')} ${g.overdue}`,
      })),
    [grids, scale, t],
  );

  const fieldError = (name: string) =>
    errors?.[name]?.[0] ? (
      <p role="alert" className="mt-0.5 text-xs text-red-600">
        {t(errors[name][0])}
      </p>
    ) : null;

  const form = (
    <Form
      method="get"
      id="report-form"
      className="flex flex-wrap items-end gap-3 rounded-lg border bg-white px-4 py-3"
      aria-label={t('报表条件')}
    >
      <label className="text-xs text-slate-600">
        {t('统计维度')}
        <select
          name="view"
          defaultValue={asked.view ?? 'department'}
          className="mt-0.5 block rounded border px-2 py-1 text-sm text-slate-900"
        >
          {Object.entries(VIEW_LABELS).map(([v, l]) => (
            <option key={v} value={v}>
              {t(l)}
            </option>
          ))}
        </select>
        {fieldError('view')}
      </label>
      <label className="text-xs text-slate-600">
        {t('报表周期')}
        <select
          name="period"
          value={period}
          onChange={(e) => setPeriod(e.target.value)}
          className="mt-0.5 block rounded border px-2 py-1 text-sm text-slate-900"
        >
          {Object.entries(PERIOD_LABELS).map(([v, l]) => (
            <option key={v} value={v}>
              {t(l)}
            </option>
          ))}
        </select>
        {fieldError('period')}
      </label>
      {period !== 'custom' ? (
        <label className="text-xs text-slate-600">
          {t('日期')}
          <input
            type="date"
            name="date"
            defaultValue={asked.date ?? query?.from ?? ''}
            className="mt-0.5 block rounded border px-2 py-1 text-sm text-slate-900"
          />
          {fieldError('date')}
        </label>
      ) : (
        <>
          <label className="text-xs text-slate-600">
            {t('开始日期')}
            <input
              type="date"
              name="from"
              defaultValue={asked.from ?? query?.from ?? ''}
              className="mt-0.5 block rounded border px-2 py-1 text-sm text-slate-900"
            />
            {fieldError('from')}
          </label>
          <label className="text-xs text-slate-600">
            {t('结束日期')}
            <input
              type="date"
              name="to"
              defaultValue={asked.to ?? query?.to ?? ''}
              className="mt-0.5 block rounded border px-2 py-1 text-sm text-slate-900"
            />
            {fieldError('to')}
          </label>
        </>
      )}
      <input type="hidden" name="rank" value={rankKey} />
      <button className="rounded bg-red-700 px-4 py-1.5 text-sm text-white hover:bg-red-800">{t('查询')}</button>
      {nav?.earlier ? (
        <Link to={`/reports?${nav.earlier}&rank=${rankKey}`} className="text-sm text-red-700 hover:underline">
          {t('‹ 上一期')}
        </Link>
      ) : null}
      {nav?.later ? (
        <Link to={`/reports?${nav.later}&rank=${rankKey}`} className="text-sm text-red-700 hover:underline">
          {t('下一期 ›')}
        </Link>
      ) : null}
    </Form>
  );

  const header = (
    <div className="flex flex-wrap items-baseline justify-between gap-2">
      <div>
        <h1 className="text-lg font-semibold">{t('统计报表')}</h1>
        {report && query ? (
          <p className="text-sm text-slate-600" data-testid="report-period">
            {t(PERIOD_LABELS[query.period])} · {t('按{{view}}', { view: t(VIEW_LABELS[query.view]) })} ·{' '}
            {query.from === query.to ? query.from : `${query.from} ${t('至')} ${query.to}`}
            <span className="ml-2 text-xs text-slate-500">
              {t('对比上期 {{from}} 至 {{to}}', { from: report.previous.from, to: report.previous.to })}
            </span>
          </p>
        ) : null}
      </div>
      <div className="flex items-center gap-3 text-sm">
        {nav ? (
          <>
            <a
              href={`/reports/export?format=xlsx&${nav.search}`}
              className="rounded border border-slate-300 bg-white px-2.5 py-1 hover:bg-slate-50"
            >
              {t('导出 Excel')}
            </a>
            <a
              href={`/reports/export?format=pdf&${nav.search}&rank=${rankKey}`}
              className="rounded border border-slate-300 bg-white px-2.5 py-1 hover:bg-slate-50"
            >
              {t('导出 PDF')}
            </a>
          </>
        ) : null}
        <Link to="/reports/daily" className="text-red-700 hover:underline">
          {t('每日报表')}
        </Link>
        {report ? (
          <span className="text-xs text-slate-500">{t('数据时间 {{at}}', { at: report.generatedAt })}</span>
        ) : null}
      </div>
    </div>
  );

  if (!report || !query || !page) {
    return (
      <div className="space-y-4">
        {header}
        {form}
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-4 py-2 text-sm text-red-700">
          {t('报表条件有误，请修改后重新查询')}
        </p>
      </div>
    );
  }

  const current = { from: query.from, to: query.to };
  const before = report.previous;
  const kpis = KPI_MEASURES.map((k) => measureByKey(k)!);
  const rankingPoints = rankingData(
    ranked.map((r) => ({ label: r.label, value: measureValue(rankMeasure, r.cells) })),
    rankMeasure.kind,
  );
  const trend = trendData(report.trend, data.today);
  const topGrids = grids.filter((g) => g.received > 0).slice(0, 10);
  const maxCategory = Math.max(1, ...page.topCategories.map((c) => c.cells.received));
  const rowLabel = (label: string) => t(label);

  return (
    <div className="space-y-4" aria-busy={loading}>
      {header}
      {form}

      <section aria-label={t('全市概况')} className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        {kpis.map((m) => (
          <div key={m.key} className="rounded-lg border bg-white px-3 py-2" data-testid="kpi" data-measure={m.key}>
            <div className="text-xs text-slate-500">{t(m.label)}</div>
            <Link
              to={cityLink('', m.numerator, current)}
              className="text-2xl font-semibold tabular-nums text-slate-900 hover:underline"
            >
              {formatValue(m, report.total.cells)}
            </Link>
            <div className="text-xs text-slate-500">
              {t('上期')} {formatValue(m, report.total.previous)} ·{' '}
              <Change m={m} cells={report.total.cells} previous={report.total.previous} />
            </div>
          </div>
        ))}
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <section className="rounded-lg border bg-white p-4" aria-labelledby="trend-h">
          <h2 id="trend-h" className="mb-2 font-semibold">
            {t('受理与办结趋势')}
          </h2>
          <TrendChart data={trend} width={580} />
        </section>
        <section className="rounded-lg border bg-white p-4" aria-labelledby="rank-h">
          <div className="mb-2 flex items-baseline justify-between gap-2">
            <h2 id="rank-h" className="font-semibold">
              {t('{{view}}排名', { view: t(VIEW_LABELS[query.view]) })}
            </h2>
            <label className="text-xs text-slate-600">
              {t('排名指标')}{' '}
              <select
                value={rankKey}
                onChange={(e) => setRankKey(e.target.value)}
                aria-label={t('排名指标')}
                data-testid="rank-measure"
                className="rounded border px-1.5 py-0.5 text-sm text-slate-900"
              >
                {MEASURES.map((m) => (
                  <option key={m.key} value={m.key}>
                    {t(m.label)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="mb-1 text-xs text-slate-500">
            {rankMeasure.higherIsBetter ? t('数值越高越好，由高到低排列') : t('数值越低越好，由低到高排列')}
            {rankingPoints.length < ranked.length ? ` · ${t('无数据的不参与排名')}` : ''}
          </p>
          <RankingChart
            data={rankingPoints.map((d) => ({ ...d, label: rowLabel(d.label) }))}
            name={t(rankMeasure.label)}
            percent={rankMeasure.kind === 'rate'}
            width={580}
          />
        </section>
      </div>

      <section className="rounded-lg border bg-white" aria-labelledby="table-h">
        <div className="flex items-baseline justify-between border-b px-4 py-2">
          <h2 id="table-h" className="font-semibold">
            {t('分{{view}}统计', { view: t(VIEW_LABELS[query.view]) })}
          </h2>
          <span className="text-xs text-slate-500">
            {t('每格：本期数值；下方为上期数值与变化。点击数字查看对应诉求。')}
          </span>
        </div>
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="report-table">
            <thead>
              <tr className="border-b bg-slate-50 text-slate-600">
                <th className="sticky left-0 bg-slate-50 px-3 py-2 text-left font-medium">
                  {t(VIEW_LABELS[query.view])}
                </th>
                {MEASURES.map((m) => (
                  <th
                    key={m.key}
                    className="border-l border-slate-100 px-2 py-2 text-right text-xs font-medium"
                    title={t(m.formula)}
                  >
                    {t(m.label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr
                  key={r.key}
                  data-testid="report-row"
                  data-key={r.key}
                  className="border-b last:border-0 hover:bg-slate-50"
                >
                  <th scope="row" className="sticky left-0 bg-white px-3 py-1.5 text-left align-top font-normal">
                    {rowLabel(r.label)}
                  </th>
                  {MEASURES.map((m) => (
                    <FigureCell
                      key={m.key}
                      m={m}
                      rowKey={r.key}
                      cells={r.cells}
                      previous={r.previous}
                      link={link}
                      current={current}
                      before={before}
                    />
                  ))}
                </tr>
              ))}
              {!report.rows.length ? (
                <tr>
                  <td colSpan={MEASURES.length + 1} className="px-3 py-6 text-center text-slate-500">
                    {t('本期没有数据')}
                  </td>
                </tr>
              ) : null}
            </tbody>
            <tfoot>
              <tr className="border-t-2 border-slate-300 bg-slate-50" data-testid="report-total">
                <th scope="row" className="sticky left-0 bg-slate-50 px-3 py-1.5 text-left align-top font-semibold">
                  {t('合计')}
                </th>
                {MEASURES.map((m) => (
                  <FigureCell
                    key={m.key}
                    m={m}
                    rowKey=""
                    cells={report.total.cells}
                    previous={report.total.previous}
                    current={current}
                    before={before}
                    total
                    link={cityLink}
                  />
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      </section>

      <div className="grid gap-4 lg:grid-cols-3">
        <section className="rounded-lg border bg-white p-4 lg:col-span-2" aria-labelledby="map-h">
          <h2 id="map-h" className="mb-2 font-semibold">
            {t('诉求热点分布')}
          </h2>
          <div className="relative z-0" data-testid="hotspot-map">
            {GridMap ? (
              <GridMap
                grids={mapGrids}
                label={t('网格热点图：颜色越深受理量越大，红色虚线边框表示有超期诉求')}
                className="h-[380px]"
                onSelect={(id) => navigate(gridLink(String(id), 'received', current))}
              />
            ) : (
              <div className="flex h-[380px] items-center justify-center rounded bg-slate-100 text-slate-500">
                {t('地图加载中…')}
              </div>
            )}
          </div>
          <div className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-600">
            <span>{t('受理量')}:</span>
            {scale.legend.map((l) => (
              <span key={l.color} className="flex items-center gap-1">
                <span className="inline-block h-3 w-5 border border-slate-400" style={{ background: l.color }} />
                {l.range}
              </span>
            ))}
            <span className="flex items-center gap-1">
              <span className="inline-block h-3 w-5 border-2 border-dashed border-red-700" />
              {t('有超期')}
            </span>
          </div>
        </section>
        <section className="rounded-lg border bg-white" aria-labelledby="top-grids-h">
          <h2 id="top-grids-h" className="border-b px-4 py-2 font-semibold">
            {t('热点网格 TOP 10')}
          </h2>
          {topGrids.length ? (
            <ol className="divide-y text-sm" data-testid="top-grids">
              {topGrids.map((g, i) => (
                <li key={g.id} className="flex items-baseline gap-2 px-4 py-1.5">
                  <span className="w-5 text-right text-xs text-slate-400">{i + 1}</span>
                  <span className="font-mono text-xs">{g.code}</span>
                  <span className="flex-1 truncate">{g.name}</span>
                  <Link
                    to={gridLink(String(g.id), 'received', current)}
                    className="tabular-nums text-red-700 hover:underline"
                  >
                    {g.received}
                  </Link>
                </li>
              ))}
            </ol>
          ) : (
            <p className="px-4 py-6 text-sm text-slate-500">{t('本期没有数据')}</p>
          )}
        </section>
      </div>

      <section className="rounded-lg border bg-white" aria-labelledby="top-cat-h">
        <h2 id="top-cat-h" className="border-b px-4 py-2 font-semibold">
          {t('热点诉求分类 TOP 10')}
        </h2>
        {page.topCategories.length ? (
          <ol className="grid gap-x-8 px-4 py-2 text-sm md:grid-cols-2" data-testid="top-categories">
            {page.topCategories.map((c, i) => (
              <li key={c.key} className="flex items-center gap-2 py-1">
                <span className="w-5 text-right text-xs text-slate-400">{i + 1}</span>
                <span className="w-28 truncate">{c.label}</span>
                <span className="h-2.5 flex-1 rounded bg-slate-100">
                  <span
                    className="block h-2.5 rounded bg-red-700/80"
                    style={{ width: `${(c.cells.received / maxCategory) * 100}%` }}
                  />
                </span>
                <Link
                  to={categoryLink(c.key, 'received', current)}
                  className="w-10 text-right tabular-nums text-red-700 hover:underline"
                >
                  {c.cells.received}
                </Link>
                <span className="w-16 text-right text-xs">
                  <Change m={MEASURES[0]} cells={c.cells} previous={c.previous} />
                </span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="px-4 py-6 text-sm text-slate-500">{t('本期没有数据')}</p>
        )}
      </section>

      <section className="rounded-lg border bg-white" aria-labelledby="def-h">
        <h2 id="def-h" className="border-b px-4 py-2 font-semibold">
          {t('指标口径')}
        </h2>
        <dl className="grid gap-x-8 gap-y-1.5 px-4 py-3 text-sm md:grid-cols-2" data-testid="measure-definitions">
          {MEASURES.map((m) => (
            <div key={m.key} className="flex gap-2">
              <dt className="w-40 shrink-0 font-medium text-slate-700">{t(m.label)}</dt>
              <dd className="text-slate-600">{t(m.formula)}</dd>
            </div>
          ))}
          <div className="flex gap-2 md:col-span-2">
            <dt className="w-40 shrink-0 font-medium text-slate-700">{t('统计口径')}</dt>
            <dd className="text-slate-600">
              {t('所有指标按诉求的受理日期（北京时间）归入统计期；上期为长度相同的前一期（月报为上一个自然月）。')}
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
