import { Form, useNavigation } from '@remix-run/react';
import type { CatalogueMatch } from '../dispatch/catalogue.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

/** The reason a 派单目录 entry gives for its suggestion: "派单目录: 0401 × 向阳街道". */
export function CatalogueReason({ match }: { match: CatalogueMatch }) {
  const { t } = useT();
  return <>{t('派单目录: {{code}} × {{area}}', { code: match.categoryCode, area: match.area })}</>;
}

/** 按目录派单: DISPATCH with the catalogue's lead and assisting units, in one click. */
export function CatalogueDispatch({
  match,
  version,
  failure,
}: {
  match: CatalogueMatch;
  version: number;
  failure?: string | null;
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  return (
    <Form
      method="post"
      className="mb-3 flex flex-wrap items-center gap-3 rounded border border-emerald-300 bg-emerald-50 p-3"
      aria-label={t('目录推荐')}
      data-testid="catalogue-dispatch"
    >
      <CsrfField />
      <input type="hidden" name="intent" value="DISPATCH" />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="departmentId" value={match.lead.id} />
      {match.assisting.map((d) => (
        <input key={d.id} type="hidden" name="assistingDepartmentIds" value={d.id} />
      ))}
      <p className="grow" data-testid="catalogue-reason">
        <span className="font-medium">
          <CatalogueReason match={match} />
        </span>
        {' → '}
        {t('主办：{{name}}', { name: match.lead.name })}
        {match.assisting.length
          ? t('；协办：{{names}}', { names: match.assisting.map((d) => d.name).join(t('、')) })
          : ''}
        {match.exactCategory ? '' : t('（按上级分类）')}
      </p>
      {failure ? (
        <p role="alert" className="w-full text-red-600">
          {t(failure)}
        </p>
      ) : null}
      <button
        disabled={busy}
        className="rounded bg-emerald-700 px-3 py-1.5 text-white hover:bg-emerald-800 disabled:opacity-60"
      >
        {t('按目录派单')}
      </button>
    </Form>
  );
}
