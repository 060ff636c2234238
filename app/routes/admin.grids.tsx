import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AdminNav } from '../components/admin-nav';
import { requireUserWith } from '../auth/session.server';
import { InvalidInput } from '../domain/errors';
import { problem, type Problem } from '../grids/geometry';
import {
  featureLabel,
  GridFileInvalid,
  importGrids,
  listGrids,
  MAX_IMPORT_BYTES,
  type ImportResult,
} from '../grids/grids.server';
import { domain, formFailure } from '../http/errors.server';
import { readUpload } from '../http/upload.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '网格管理 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:grids');
  const grids = await domain(() => listGrids(context.runtime.db.em(), user.actor));
  return { grids };
}

/** One refused line, as translatable pieces: "第 3 个要素（G07）" + its problems. */
interface FailureLine {
  label: Problem;
  problems: Problem[];
}

type ActionData = { result: ImportResult | null; failure: FailureLine[] | null };

const GRID_FILE_WORDS = { tooLarge: '文件超过 5 MB', notMultipart: '请选择要导入的文件', noFile: '请选择要导入的文件' };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:grids');
  try {
    const { file } = await readUpload(request, { maxFileBytes: MAX_IMPORT_BYTES, words: GRID_FILE_WORDS });
    if (file.size === 0) throw new InvalidInput(GRID_FILE_WORDS.noFile);
    const result = await importGrids(context.runtime.db.em(), user.actor, await file.text());
    return json<ActionData>({ result, failure: null });
  } catch (err) {
    const { failure, status } = formFailure(err, 'import');
    // A refused file lists each feature's problems; any other refusal is one line about the file.
    const features =
      err instanceof GridFileInvalid
        ? err.features
        : [{ feature: 0, code: null, problems: [problem(failure.message)] }];
    const lines = features.map((f) => ({ label: featureLabel(f), problems: f.problems }));
    return json<ActionData>({ result: null, failure: lines }, { status });
  }
}

export default function AdminGrids() {
  const { grids } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const say = (p: Problem) => String(t(p.key, p.params ?? {}));
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('网格管理')}</h1>
        <AdminNav current="/admin/grids" />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="rounded-lg border bg-white lg:col-span-2" aria-labelledby="grids-h">
          <div className="flex items-baseline justify-between border-b px-4 py-2">
            <h2 id="grids-h" className="font-semibold">
              {t('网格（{{n}}）', { n: grids.length })}
            </h2>
            {/* A document request, not a client navigation: the browser saves the file. */}
            <a href="/admin/grids/export" download="grids.geojson" className="text-sm text-red-700 hover:underline">
              {t('导出 GeoJSON')}
            </a>
          </div>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('编码')}</th>
                <th>{t('名称')}</th>
                <th>{t('街道 › 社区')}</th>
                <th>{t('网格员')}</th>
                <th className="pr-4 text-right">{t('面积（km²）')}</th>
              </tr>
            </thead>
            <tbody>
              {grids.map((g) => (
                <tr key={g.id} className="border-b align-top last:border-0" data-testid={`grid-${g.code}`}>
                  <td className="px-4 py-1.5 font-mono">{g.code}</td>
                  <td>{g.name}</td>
                  <td>{g.street ? `${g.street} › ${g.community}` : g.community}</td>
                  <td className="text-xs">{g.workers.join('、') || '—'}</td>
                  <td className="pr-4 text-right tabular-nums">{g.areaKm2.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="space-y-4">
          <Form
            method="post"
            encType="multipart/form-data"
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={t('导入网格')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('导入网格')}</h2>
            <p className="text-xs text-slate-500">
              {t(
                'GeoJSON FeatureCollection，每个要素的属性：code、name、community（社区部门编码），可选 workers（网格员用户名数组）。按编码新增或更新；有任何问题则整个文件不导入。',
              )}
            </p>
            <label className="block">
              <span className="text-slate-600">{t('网格文件（.geojson / .json，不超过 5 MB）')}</span>
              <input
                type="file"
                name="file"
                accept=".geojson,.json,application/geo+json,application/json"
                className="mt-1 block w-full text-sm file:mr-3 file:rounded file:border file:border-slate-300 file:bg-white file:px-3 file:py-1 hover:file:bg-slate-100"
              />
            </label>
            <button disabled={busy} className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800">
              {t('导入')}
            </button>
            {data?.result ? (
              <p role="status" className="rounded bg-green-50 p-2 text-green-800">
                {t('导入完成：新增 {{created}} 个，更新 {{updated}} 个，未变 {{unchanged}} 个', { ...data.result })}
              </p>
            ) : null}
            {data?.failure ? (
              <div role="alert" className="rounded bg-red-50 p-2 text-red-700">
                <p className="font-semibold">{t('文件未导入，请修改后重试：')}</p>
                <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
                  {data.failure.map((line, i) => (
                    <li key={i}>
                      {say(line.label)}
                      {t('：')}
                      {line.problems.map(say).join(t('；'))}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </Form>
        </div>
      </div>
    </div>
  );
}
