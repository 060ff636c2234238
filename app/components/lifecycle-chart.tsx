import type { ChartEdge, ChartNode } from '../../machines/appeal-chart';
import { useT } from '../i18n/use-t';
import { CHART_LABELS, EVENT_LABELS } from '../ui/labels';

/** The lifecycle as the machine defines it, with the appeal's current state highlighted. */
export function LifecycleChart({ nodes, edges, current }: { nodes: ChartNode[]; edges: ChartEdge[]; current: string }) {
  const { t } = useT();
  const top = nodes.filter((n) => n.parent === null);
  const isCurrent = (id: string) => current === id || current.startsWith(`${id}.`);
  const box = (n: ChartNode) => {
    const children = nodes.filter((c) => c.parent === n.id);
    const out = edges.filter((e) => e.from === n.id);
    const active = isCurrent(n.id);
    return (
      <li
        key={n.id}
        data-state={n.id}
        aria-current={current === n.id ? 'step' : undefined}
        className={`rounded border p-2 ${active ? 'border-red-600 bg-red-50 ring-2 ring-red-600' : 'bg-white'} ${n.final ? 'border-dashed' : ''}`}
      >
        <div className={`font-medium ${active ? 'text-red-700' : ''}`}>{t(CHART_LABELS[n.id] ?? n.id)}</div>
        {out.length ? (
          <ul className="mt-1 space-y-0.5 text-xs text-slate-500">
            {out.map((e) => (
              <li key={`${e.event}-${e.to}`}>
                {t(EVENT_LABELS[e.event] ?? e.event)} → {t(CHART_LABELS[e.to] ?? e.to)}
              </li>
            ))}
          </ul>
        ) : null}
        {children.length ? <ul className="mt-2 grid gap-2">{children.map(box)}</ul> : null}
      </li>
    );
  };
  return (
    <ol className="grid grid-cols-2 gap-2 md:grid-cols-4 lg:grid-cols-6" aria-label={t('诉求生命周期')}>
      {top.map(box)}
    </ol>
  );
}
