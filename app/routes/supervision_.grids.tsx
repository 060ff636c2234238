import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import type { MapGrid, MapPoint } from '../components/grid-map.client';
import { countScale, useGridMap } from '../components/grid-map-loader';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { gridOpenAppeals, gridOverview } from '../supervision/grid-view.server';
import { PHASE_LABELS, SLA_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '网格态势 · 12345 热线' }];

// Leaflet's own CSS (panes, tooltips); the classic compiler turns the import into a URL.
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];

const gridParam = z.coerce.number().int().positive();

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'supervision:read');
  const em = context.runtime.db.em();
  const asked = gridParam.safeParse(new URL(request.url).searchParams.get('grid') ?? undefined);
  return domain(async () => {
    const overview = await gridOverview(em, user.actor);
    const grid = asked.success ? overview.grids.find((g) => g.id === asked.data) : undefined;
    return {
      overview,
      selected: grid ? { id: grid.id, appeals: await gridOpenAppeals(em, user.actor, grid.id) } : null,
    };
  });
}

// A sequential blue scale for open counts; red is kept for lateness (borders).
const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

type SortKey = 'code' | 'overdue';

export default function SupervisionGrids() {
  const { t } = useT();
  const { overview, selected } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const loading = useNavigation().state === 'loading';
  const [sort, setSort] = useState<SortKey>('overdue');
  const GridMap = useGridMap();

  const scale = useMemo(() => countScale(overview.grids.map((g) => g.open)), [overview.grids]);
  const mapGrids = useMemo<MapGrid[]>(
    () =>
      overview.grids.map((g) => ({
        id: g.id,
        code: g.code,
        polygon: g.polygon,
        fill: scale.color(g.open),
        overdue: g.overdue,
        tooltip: `${g.code} ${g.name} · ${t('未办结')} ${g.open} · ${t('超期')} ${g.overdue}`,
      })),
    [overview.grids, scale, t],
  );
  const points = useMemo<MapPoint[]>(
    () =>
      (selected?.appeals ?? []).flatMap((a) =>
        a.lat !== null && a.lng !== null ? [{ id: a.id, lat: a.lat, lng: a.lng, label: `${a.number} ${a.title}` }] : [],
      ),
    [selected],
  );
  const rows = useMemo(
    () =>
      [...overview.grids].sort(
        (a, b) => (sort === 'overdue' ? b.overdue - a.overdue || b.open - a.open : 0) || a.code.localeCompare(b.code),
      ),
    [overview.grids, sort],
  );
  const chosen = selected ? (overview.grids.find((g) => g.id === selected.id) ?? null) : null;
  const choose = (id: number) => {
    const next = new URLSearchParams(params);
    next.set('grid', String(id));
    setParams(next, { preventScrollReset: true, replace: true });
  };
  const sortButton = (key: SortKey, text: string) => (
    <button
      type="button"
      onClick={() => setSort(key)}
      className={sort === key ? 'font-semibold text-slate-900 underline' : 'hover:underline'}
    >
      {text}
      {sort === key ? (key === 'overdue' ? ' ↓' : ' ↑') : ''}
    </button>
  );

  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('网格态势')}</h1>
        <span className="text-xs text-slate-500">
          <Link to="/supervision" className="mr-3 text-red-700 hover:underline">
            {t('返回督办看板')}
          </Link>
          {t('数据时间 {{at}}', { at: overview.refreshedAt })}
        </span>
      </div>
      <div className="grid grid-cols-3 gap-4">
        <section className="col-span-2 rounded-lg border bg-white p-4" aria-labelledby="map-h">
          <h2 id="map-h" className="mb-2 font-semibold">
            {t('网格分布')}
          </h2>
          {/* Its own stacking context, so Leaflet's panes never cover the header. */}
          <div className="relative z-0">
            {GridMap ? (
              <GridMap
                grids={mapGrids}
                points={points}
                selectedId={selected?.id ?? null}
                onSelect={choose}
                label={t('网格分布图：颜色越深未办结越多，红色虚线边框表示有超期诉求')}
              />
            ) : (
              <div className="flex h-[420px] items-center justify-center rounded bg-slate-100 text-slate-500">
                {t('地图加载中…')}
              </div>
            )}
          </div>
          <div className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-600" data-testid="grid-legend">
            <span>{t('未办结')}:</span>
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
        <section className="rounded-lg border bg-white" aria-labelledby="grid-appeals-h" aria-busy={loading}>
          <h2 id="grid-appeals-h" className="border-b px-4 py-2 font-semibold">
            {chosen ? t('{{name}} 的未办结诉求', { name: chosen.name }) : t('网格诉求')}
          </h2>
          {chosen && selected ? (
            <div className="p-3">
              <p className="mb-2 text-xs text-slate-500">
                {t('共 {{n}} 件未办结，按时限列出前 {{m}} 件', { n: chosen.open, m: selected.appeals.length })}
                {' · '}
                <Link to={`/appeals?grid=${chosen.id}`} className="text-red-700 hover:underline">
                  {t('在诉求查询中查看')}
                </Link>
              </p>
              {selected.appeals.length ? (
                <ul data-testid="grid-appeals" className="divide-y">
                  {selected.appeals.map((a) => (
                    <li key={a.id} className="py-1.5">
                      <Link to={`/appeals/${a.id}`} className="font-mono text-red-700 hover:underline">
                        {a.number}
                      </Link>
                      <span
                        className={
                          a.sla === 'overdue'
                            ? 'ml-2 text-xs text-red-700'
                            : a.sla === 'warned'
                              ? 'ml-2 text-xs text-amber-600'
                              : 'ml-2 text-xs text-slate-500'
                        }
                      >
                        {t(SLA_LABELS[a.sla] ?? a.sla)}
                      </span>
                      <div>{a.title}</div>
                      <div className="text-xs text-slate-500">
                        {t(PHASE_LABELS[a.phase] ?? a.phase)}
                        {a.dueAt ? ` · ${t('时限')} ${a.dueAt}` : ''}
                      </div>
                    </li>
                  ))}
                </ul>
              ) : (
                <p data-testid="grid-appeals" className="text-slate-500">
                  {t('该网格没有未办结诉求')}
                </p>
              )}
            </div>
          ) : (
            <p className="p-4 text-slate-500">{t('点击地图上的网格或表格中的网格名称，查看其未办结诉求')}</p>
          )}
        </section>
      </div>
      <section className="rounded-lg border bg-white" aria-labelledby="grid-table-h">
        <h2 id="grid-table-h" className="border-b px-4 py-2 font-semibold">
          {t('各网格工作量')}
        </h2>
        <table className="w-full" data-testid="grid-table">
          <thead>
            <tr className="border-b text-left text-slate-500">
              <th className="px-3 py-1" aria-sort={sort === 'code' ? 'ascending' : 'none'}>
                {sortButton('code', t('网格'))}
              </th>
              <th>{t('社区 / 街道')}</th>
              <th>{t('网格员')}</th>
              <th className="text-right">{t('未办结')}</th>
              <th className="text-right" aria-sort={sort === 'overdue' ? 'descending' : 'none'}>
                {sortButton('overdue', t('超期'))}
              </th>
              <th className="text-right">{t('临期')}</th>
              <th className="text-right">{t('近 {{n}} 天办结', { n: overview.days })}</th>
              <th className="text-right">{t('巡查上报')}</th>
              <th className="px-3 text-right" title={t('近期办结的巡查上报中，未派往职能部门、由网格自行处置的比例')}>
                {t('自办率')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => (
              <tr
                key={g.id}
                data-grid={g.code}
                className={`border-b last:border-0 ${g.id === selected?.id ? 'bg-blue-50' : ''}`}
                aria-selected={g.id === selected?.id}
              >
                <td className="px-3 py-1.5">
                  <button type="button" onClick={() => choose(g.id)} className="text-left text-red-700 hover:underline">
                    <span className="font-mono">{g.code}</span> <span data-col="name">{g.name}</span>
                  </button>
                </td>
                <td className="text-slate-600">
                  {g.community}
                  {g.street ? ` / ${g.street}` : ''}
                </td>
                <td>{g.workers.length ? g.workers.join('、') : '—'}</td>
                <td className="text-right" data-col="open">
                  {g.open}
                </td>
                <td className={`text-right ${g.overdue ? 'font-semibold text-red-700' : ''}`} data-col="overdue">
                  {g.overdue}
                </td>
                <td className="text-right">{g.warned}</td>
                <td className="text-right">{g.closedRecently}</td>
                <td className="text-right">{g.patrolReports}</td>
                <td className="px-3 text-right">{percent(g.selfHandledShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="rounded-lg border bg-white p-4" aria-labelledby="grid-chart-h">
        <h2 id="grid-chart-h" className="mb-2 font-semibold">
          {t('各网格未办结与超期')}
        </h2>
        <div role="img" aria-label={t('各网格未办结与超期诉求数')} data-testid="grid-chart">
          <BarChart
            width={1000}
            height={260}
            data={overview.grids.map((g) => ({ code: g.code, name: g.name, open: g.open, overdue: g.overdue }))}
            margin={{ top: 8, right: 16, left: 0, bottom: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="code" interval={0} tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} />
            <Tooltip labelFormatter={(code) => overview.grids.find((g) => g.code === code)?.name ?? String(code)} />
            <Legend verticalAlign="top" />
            <Bar dataKey="open" name={t('未办结')} fill="#3b82f6" isAnimationActive={false} />
            <Bar dataKey="overdue" name={t('超期')} fill="#b91c1c" isAnimationActive={false} />
          </BarChart>
        </div>
      </section>
    </div>
  );
}
