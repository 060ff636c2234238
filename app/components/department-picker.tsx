import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { DispatchUnit, UnitGroup } from '../dispatch/units.server';
import { useT } from '../i18n/use-t';

// The one department picker (主办 single, 协办 multiple). Without JavaScript it is a plain list of radio
// buttons or checkboxes under group headings, posted as `name`; with it, a search box filters the list as
// one types (name, code, or the street/district a unit belongs to) and the chosen units show as chips that
// can be removed. Units the search hides stay in the form, so a filtered-out choice is still sent.

const GROUP_LABELS: Record<UnitGroup, string> = {
  district: '区',
  street: '街道',
  community: '社区',
  functional: '市直部门',
};
const GROUP_ORDER: UnitGroup[] = ['district', 'street', 'community', 'functional'];

type Errors = Record<string, string[]> | undefined;

export interface DepartmentPickerProps {
  name: string;
  label: string;
  units: DispatchUnit[];
  multiple?: boolean;
  selected: number[];
  onChange(selected: number[]): void;
  /** Units that cannot be chosen here (the lead, in the assisting list). */
  disabledIds?: number[];
  errors?: Errors;
}

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export function DepartmentPicker({
  name,
  label,
  units,
  multiple = false,
  selected,
  onChange,
  disabledIds = [],
  errors,
}: DepartmentPickerProps) {
  const { t } = useT();
  const hydrated = useHydrated();
  const [query, setQuery] = useState('');
  const listId = useId();
  const q = query.trim().toLowerCase();
  const matches = (u: DispatchUnit) =>
    !q || u.name.toLowerCase().includes(q) || u.code.toLowerCase().includes(q) || (u.parent ?? '').includes(q);
  const visible = units.filter(matches);
  const toggle = (id: number, on: boolean) =>
    onChange(multiple ? (on ? [...selected, id] : selected.filter((x) => x !== id)) : on ? [id] : []);
  const chosen = selected.map((id) => units.find((u) => u.id === id)).filter((u): u is DispatchUnit => Boolean(u));
  // Enter in the search box would submit the whole form: it picks the first unit shown instead.
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = visible.find((u) => !disabledIds.includes(u.id) && !selected.includes(u.id));
    if (first) toggle(first.id, true);
  };
  const error = errors?.[name]?.[0];
  return (
    <fieldset
      className="block"
      data-testid={`department-picker-${name}`}
      aria-label={t(label)}
      aria-invalid={Boolean(error)}
    >
      <legend className="text-slate-600">{t(label)}</legend>
      {hydrated && chosen.length ? (
        <ul className="mt-1 flex flex-wrap gap-1" aria-label={t(multiple ? '已选协办' : '已选主办')}>
          {chosen.map((u) => (
            <li
              key={u.id}
              className="flex items-center gap-1 rounded-full bg-red-50 px-2 py-0.5 text-sm text-red-800"
              data-testid="picker-chip"
            >
              {u.name}
              <button
                type="button"
                className="rounded-full px-1 leading-none hover:bg-red-200"
                aria-label={t('移除 {{name}}', { name: u.name })}
                onClick={() => toggle(u.id, false)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {hydrated ? (
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onSearchKey}
          aria-label={t(multiple ? '筛选协办' : '筛选主办')}
          aria-controls={listId}
          placeholder={t('输入名称或编码筛选')}
          className="mt-1 w-full rounded border px-2 py-1"
        />
      ) : null}
      <div id={listId} className="mt-1 max-h-56 overflow-y-auto rounded border bg-white">
        {GROUP_ORDER.map((group) => {
          const members = units.filter((u) => u.group === group);
          if (!members.length) return null;
          return (
            <div key={group} role="group" aria-label={t(GROUP_LABELS[group])} hidden={!members.some(matches)}>
              <p className="sticky top-0 bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
                {t(GROUP_LABELS[group])}
              </p>
              {members.map((u) => (
                <label
                  key={u.id}
                  hidden={!matches(u)}
                  className="flex cursor-pointer items-center gap-2 px-2 py-0.5 hover:bg-slate-50"
                >
                  <input
                    type={multiple ? 'checkbox' : 'radio'}
                    name={name}
                    value={u.id}
                    checked={selected.includes(u.id)}
                    disabled={disabledIds.includes(u.id)}
                    onChange={(e) => toggle(u.id, e.target.checked)}
                  />
                  <span>{u.name}</span>
                  <span className="text-xs text-slate-500">
                    {u.parent ? `${u.parent} · ` : ''}
                    {u.code}
                  </span>
                </label>
              ))}
            </div>
          );
        })}
        {hydrated && !visible.length ? <p className="px-2 py-1 text-slate-500">{t('没有匹配的单位')}</p> : null}
      </div>
      {error ? (
        <span role="alert" className="block text-xs text-red-600">
          {t(error)}
        </span>
      ) : null}
    </fieldset>
  );
}

/** 主办 and 协办 together: the lead cannot also assist, so choosing it as lead takes it off the assisting list. */
export function LeadAndAssistingPicker({
  units,
  lead: initialLead,
  assisting: initialAssisting,
  errors,
  leadName = 'departmentId',
  assistingName = 'assistingDepartmentIds',
}: {
  units: DispatchUnit[];
  lead: number | null;
  assisting: number[];
  errors?: Errors;
  leadName?: string;
  assistingName?: string;
}) {
  const [lead, setLead] = useState<number[]>(initialLead ? [initialLead] : []);
  const [assisting, setAssisting] = useState<number[]>(initialAssisting.filter((id) => id !== initialLead));
  return (
    <>
      <DepartmentPicker
        name={leadName}
        label="主办单位"
        units={units}
        selected={lead}
        onChange={(next) => {
          setLead(next);
          setAssisting((a) => a.filter((id) => !next.includes(id)));
        }}
        errors={errors}
      />
      <DepartmentPicker
        name={assistingName}
        label="协办单位（可多选）"
        units={units}
        multiple
        selected={assisting}
        onChange={setAssisting}
        disabledIds={lead}
        errors={errors}
      />
    </>
  );
}
