import type { ActionOptions } from '../appeals/actions.server';
import type { ReclassificationChange } from '../appeals/reclassification.server';
import { useT } from '../i18n/use-t';
import { TYPE_LABELS, URGENCY_LABELS } from '../ui/labels';

type Errors = Record<string, string[]> | undefined;
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

/** RECLASSIFY's fields, filled with the appeal's classification now; the server recomputes the deadline. */
export function ReclassifyFields({
  reclassify,
  grids,
  errors,
}: {
  reclassify: NonNullable<ActionOptions['reclassify']>;
  grids: ActionOptions['grids'];
  errors: Errors;
}) {
  const { t } = useT();
  const { categories, current } = reclassify;
  return (
    <>
      <p className="text-xs text-slate-600">{t('更正后按新的分类和紧急程度从登记时起重新计算办理时限。')}</p>
      <label className="block">
        <span className="text-slate-600">{t('分类')}</span>
        <select
          name="categoryId"
          defaultValue={current.categoryId}
          className={input}
          aria-invalid={Boolean(errors?.categoryId)}
        >
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {'\u3000'.repeat(c.depth)}
              {c.label}
            </option>
          ))}
        </select>
        <FieldError errors={errors} name="categoryId" />
      </label>
      <div className="grid grid-cols-2 gap-2">
        <label className="block">
          <span className="text-slate-600">{t('类型')}</span>
          <select
            name="appealType"
            defaultValue={current.appealType}
            className={input}
            aria-invalid={Boolean(errors?.appealType)}
          >
            {Object.entries(TYPE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {t(l)}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="appealType" />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('紧急程度')}</span>
          <select
            name="urgency"
            defaultValue={current.urgency}
            className={input}
            aria-invalid={Boolean(errors?.urgency)}
          >
            {Object.entries(URGENCY_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {t(l)}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="urgency" />
        </label>
      </div>
      <label className="block">
        <span className="text-slate-600">{t('地址')}</span>
        <input
          name="address"
          defaultValue={current.address ?? ''}
          maxLength={255}
          className={input}
          aria-invalid={Boolean(errors?.address)}
        />
        <FieldError errors={errors} name="address" />
      </label>
      <label className="block">
        <span className="text-slate-600">{t('所在网格')}</span>
        <select
          name="gridId"
          defaultValue={current.gridId ?? ''}
          className={input}
          aria-invalid={Boolean(errors?.gridId)}
        >
          <option value="">{t('（无）')}</option>
          {grids.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        <FieldError errors={errors} name="gridId" />
      </label>
    </>
  );
}

const FIELD_LABELS: Record<ReclassificationChange['field'], string> = {
  category: '分类',
  appealType: '类型',
  urgency: '紧急程度',
  address: '地址',
  grid: '所在网格',
  dueAt: '办理时限',
};

/** A reclassification in the timeline: each corrected field, old → new. */
export function ReclassificationChanges({ changes }: { changes: ReclassificationChange[] }) {
  const { t } = useT();
  const show = (c: ReclassificationChange, v: string | null) => {
    if (v === null) return '—';
    if (c.field === 'appealType') return t(TYPE_LABELS[v] ?? v);
    if (c.field === 'urgency') return t(URGENCY_LABELS[v] ?? v);
    return v;
  };
  return (
    <ul className="mt-0.5 text-slate-700" data-testid="reclassification-changes">
      {changes.map((c) => (
        <li key={c.field} data-testid={`reclassified-${c.field}`}>
          {t(FIELD_LABELS[c.field])}：{show(c, c.from)} → {show(c, c.to)}
        </li>
      ))}
    </ul>
  );
}
