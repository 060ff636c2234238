import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { formFailure, type FormFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CALL_DISPOSITION_FILTERS, listCalls, type CallList } from '../telephony/call-queries.server';
import { CALL_DIRECTION_LABELS, CALL_DISPOSITION_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '通话记录 · 12345 热线' }];

const FILTER_KEYS = ['from', 'to', 'direction', 'disposition', 'agent', 'phone'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const DISPOSITION_STYLE: Record<string, string> = {
  answered: 'bg-emerald-100 text-emerald-800',
  transferred: 'bg-sky-100 text-sky-800',
  missed: 'bg-red-100 text-red-800',
  abandoned: 'bg-amber-100 text-amber-800',
  failed: 'bg-slate-200 text-slate-700',
  rejected: 'bg-slate-200 text-slate-700',
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'calls:list');
  const url = new URL(request.url);
  const values = Object.fromEntries(FILTER_KEYS.map((k) => [k, url.searchParams.get(k) ?? ''])) as Record<
    FilterKey,
    string
  >;
  const queue = url.searchParams.get('callbackQueue') === '1';
  try {
    const result = await listCalls(context.runtime.db.em(), user.actor, url.searchParams);
    return json({ values, queue, dispositions: CALL_DISPOSITION_FILTERS, result, failure: null as FormFailure | null });
  } catch (err) {
    const { failure, status } = formFailure(err, 'search');
    return json(
      { values, queue, dispositions: CALL_DISPOSITION_FILTERS, result: null as CallList | null, failure },
      { status },
    );
  }
}

const field = 'w-full rounded border px-2 py-1 bg-white';

/** 65 → 1:05; language-neutral, so nothing to translate. */
function duration(s: number | null): string {
  if (s === null) return '—';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

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

export default function CallRecords() {
  const { t } = useT();
  // Server modules are not in the browser bundle: the choices come with the loader data.
  const { values, queue, dispositions, result, failure } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === 'loading';
  const errors = failure?.fieldErrors;
  const described = (name: string) =>
    errors?.[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {};
  const filters = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
  const hrefWith = (extra: Record<string, string>) => {
    const q = new URLSearchParams(filters);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '/calls';
  };
  const tab = (active: boolean) =>
    `shrink-0 whitespace-nowrap rounded-t border border-b-0 px-4 py-1.5 ${active ? 'bg-white font-semibold' : 'bg-slate-100 text-slate-600 hover:bg-slate-50'}`;
  const page = result?.page ?? 1;

  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">{t('通话记录')}</h1>
      <Form
        key={filters.toString() + String(queue)}
        method="get"
        role="search"
        aria-label={t('查询条件')}
        className="grid grid-cols-6 gap-3 rounded-lg border bg-white p-4"
      >
        {queue ? <input type="hidden" name="callbackQueue" value="1" /> : null}
        <div>
          <label htmlFor="c-from" className="block text-slate-600">
            {t('开始日期')}
          </label>
          <input
            id="c-from"
            name="from"
            type="date"
            defaultValue={values.from}
            className={field}
            {...described('from')}
          />
          <FieldError name="from" errors={errors} />
        </div>
        <div>
          <label htmlFor="c-to" className="block text-slate-600">
            {t('结束日期')}
          </label>
          <input id="c-to" name="to" type="date" defaultValue={values.to} className={field} {...described('to')} />
          <FieldError name="to" errors={errors} />
        </div>
        <div>
          <label htmlFor="c-direction" className="block text-slate-600">
            {t('方向')}
          </label>
          <select
            id="c-direction"
            name="direction"
            defaultValue={values.direction}
            className={field}
            {...described('direction')}
          >
            <option value="">{t('全部')}</option>
            {Object.entries(CALL_DIRECTION_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {t(v)}
              </option>
            ))}
          </select>
          <FieldError name="direction" errors={errors} />
        </div>
        <div>
          <label htmlFor="c-disposition" className="block text-slate-600">
            {t('结果')}
          </label>
          <select
            id="c-disposition"
            name="disposition"
            defaultValue={values.disposition}
            className={field}
            {...described('disposition')}
          >
            <option value="">{t('全部')}</option>
            {dispositions.map((k) => (
              <option key={k} value={k}>
                {t(CALL_DISPOSITION_LABELS[k])}
              </option>
            ))}
          </select>
          <FieldError name="disposition" errors={errors} />
        </div>
        <div>
          <label htmlFor="c-agent" className="block text-slate-600">
            {t('话务员')}
          </label>
          <select id="c-agent" name="agent" defaultValue={values.agent} className={field} {...described('agent')}>
            <option value="">{t('全部')}</option>
            {result?.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <FieldError name="agent" errors={errors} />
        </div>
        <div>
          <label htmlFor="c-phone" className="block text-slate-600">
            {t('号码')}
          </label>
          <input
            id="c-phone"
            name="phone"
            inputMode="numeric"
            defaultValue={values.phone}
            className={field}
            placeholder={t('主叫或被叫号码')}
            {...described('phone')}
          />
          <FieldError name="phone" errors={errors} />
        </div>
        <div className="col-span-6 flex items-center gap-3">
          <button
            type="submit"
            className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800 disabled:opacity-60"
            disabled={busy}
          >
            {t('查询')}
          </button>
          <Link to={queue ? '/calls?callbackQueue=1' : '/calls'} className="text-slate-600 hover:underline">
            {t('清空条件')}
          </Link>
          {failure ? (
            <span role="alert" className="text-red-700" data-testid="calls-error">
              {t(failure.message)}
            </span>
          ) : null}
        </div>
      </Form>

      <div>
        <nav aria-label={t('通话列表')} className="relative -mb-px flex gap-1">
          <Link to={hrefWith({})} className={tab(!queue)} aria-current={!queue ? 'page' : undefined}>
            {t('全部通话')}
          </Link>
          <Link
            to={hrefWith({ callbackQueue: '1' })}
            className={tab(queue)}
            aria-current={queue ? 'page' : undefined}
            data-testid="tab-callback"
          >
            {t('待回拨')}
          </Link>
        </nav>
        {result ? (
          <section aria-labelledby="calls-h" className="rounded-lg rounded-tl-none border bg-white">
            <h2 id="calls-h" className="flex items-baseline justify-between border-b px-4 py-2 font-semibold">
              <span>{queue ? t('待回拨：未接与振铃中挂断的来电，最早的在前') : t('通话')}</span>
              <span className="text-sm font-normal text-slate-600">
                {t('共')} <span data-testid="calls-total">{result.total}</span> {t('条')}
              </span>
            </h2>
            {result.items.length ? (
              <table className="w-full text-left" data-testid="calls-table">
                <thead>
                  <tr className="border-b text-slate-500">
                    <th className="px-4 py-1.5">{t('时间')}</th>
                    <th>{t('方向')}</th>
                    <th>{t('主叫')}</th>
                    <th>{t('被叫')}</th>
                    <th>{t('话务员')}</th>
                    <th>{t('结果')}</th>
                    <th>{t('等待/通话')}</th>
                    <th>{t('关联诉求')}</th>
                    <th>{t('录音')}</th>
                    {queue ? (
                      <th>
                        <span className="sr-only">{t('回拨')}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((c) => (
                    <tr key={c.id} className="border-b last:border-0 hover:bg-slate-50" data-call-id={c.callId}>
                      <td className="px-4 py-1.5 whitespace-nowrap">{c.at ?? '—'}</td>
                      <td>{t(CALL_DIRECTION_LABELS[c.direction] ?? c.direction)}</td>
                      <td className="font-mono">{c.from}</td>
                      <td className="font-mono">{c.to}</td>
                      <td>{c.agent ?? '—'}</td>
                      <td>
                        {c.disposition ? (
                          <span className={`rounded px-1.5 py-0.5 text-xs ${DISPOSITION_STYLE[c.disposition] ?? ''}`}>
                            {t(CALL_DISPOSITION_LABELS[c.disposition] ?? c.disposition)}
                          </span>
                        ) : (
                          <span className="text-xs text-slate-500">{t('进行中')}</span>
                        )}
                      </td>
                      <td className="font-mono whitespace-nowrap">
                        {duration(c.waitSeconds)} / {duration(c.talkSeconds)}
                      </td>
                      <td>
                        {c.appeals.length
                          ? c.appeals.map((a) => (
                              <Link
                                key={a.id}
                                to={`/appeals/${a.id}`}
                                className="mr-2 font-mono text-red-700 hover:underline"
                              >
                                {a.number}
                              </Link>
                            ))
                          : '—'}
                      </td>
                      <td>
                        {c.recordingUrl ? (
                          <audio
                            controls
                            preload="none"
                            src={c.recordingUrl}
                            className="h-8 w-48"
                            aria-label={t('通话录音')}
                          />
                        ) : (
                          '—'
                        )}
                      </td>
                      {queue ? (
                        <td className="pr-4">
                          {c.dial ? (
                            <button
                              type="button"
                              data-testid="callback-dial"
                              data-phone={c.dial}
                              data-dial={c.dial}
                              className="rounded bg-red-700 px-3 py-1 text-white hover:bg-red-800"
                            >
                              {t('回拨')}
                            </button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="px-4 py-3 text-slate-500">{queue ? t('没有待回拨的来电') : t('暂无')}</p>
            )}
            <nav aria-label={t('分页')} className="flex gap-4 border-t px-4 py-2">
              {page > 1 ? (
                <Link
                  to={hrefWith({ ...(queue ? { callbackQueue: '1' } : {}), page: String(page - 1) })}
                  className="text-red-700 hover:underline"
                >
                  {t('上一页')}
                </Link>
              ) : null}
              {page < result.pageCount ? (
                <Link
                  to={hrefWith({ ...(queue ? { callbackQueue: '1' } : {}), page: String(page + 1) })}
                  className="text-red-700 hover:underline"
                >
                  {t('下一页')}
                </Link>
              ) : (
                <span className="text-slate-400">{t('已是最后一页')}</span>
              )}
            </nav>
          </section>
        ) : null}
      </div>
    </div>
  );
}
