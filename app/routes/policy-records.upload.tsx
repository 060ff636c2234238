import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { problem, type Problem } from '../domain/problem';
import { domain, formFailure } from '../http/errors.server';
import { bytesOf, readUpload } from '../http/upload.server';
import { useT } from '../i18n/use-t';
import { listPeriods, uploadRecords } from '../policy-records/records.server';
import { MAX_RECORDS_FILE_BYTES, RecordsFileRefused, rowLabel } from '../policy-records/records-file.server';
import { MAX_RECORD_ROWS } from '../policy-records/rows';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '上报落实记录 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, 'policy-records:report');
  return { periods: await domain(() => listPeriods(context.runtime.db.em())) };
}

/** One refused row, as translatable pieces: "第 3 行" + its problems. */
interface FailureLine {
  row: number;
  label: Problem;
  problems: Problem[];
}

type ActionData = { failure: FailureLine[]; message: string; fieldErrors: Record<string, string[]> };

const FILE_WORDS = {
  tooLarge: '文件超过 5 MB',
  notMultipart: '请选择要上传的落实记录文件',
  noFile: '请选择要上传的落实记录文件',
};
const fields = z.object({ periodId: z.string().optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-records:report');
  try {
    const upload = await readUpload(request, {
      maxFileBytes: MAX_RECORDS_FILE_BYTES,
      fields: ['periodId'],
      words: FILE_WORDS,
    });
    const { periodId } = fields.parse(upload.fields);
    const result = await uploadRecords(context.runtime.db.em(), user.actor, {
      periodId: Number(periodId ?? 0),
      fileName: upload.file.name,
      bytes: (await bytesOf(upload.file)).bytes,
    });
    return redirect(`/policy-records?period=${Number(periodId)}&accepted=${result.uploadId}`, 303);
  } catch (err) {
    const { failure, status } = formFailure(err, 'upload');
    // A refused file lists every bad row with its reasons; any other refusal is one line.
    const rows =
      err instanceof RecordsFileRefused
        ? err.rows.map((r) => ({ row: r.row, label: rowLabel(r.row), problems: r.problems }))
        : [];
    const fieldErrors = err instanceof RecordsFileRefused ? {} : (failure.fieldErrors ?? {});
    const lines =
      rows.length || Object.keys(fieldErrors).length
        ? rows
        : [{ row: 0, label: rowLabel(0), problems: [problem(failure.message)] }];
    return json<ActionData>({ failure: lines, message: failure.message, fieldErrors }, { status });
  }
}

export default function UploadRecords() {
  const { periods } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const say = (p: Problem) => String(t(p.key, p.params ?? {}));
  const chosen = params.get('period') ?? String(periods[0]?.id ?? '');
  const errors = data?.fieldErrors ?? {};
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('上报落实记录')}</h1>
        <Link to="/policy-records" className="text-slate-600 hover:underline">
          {t('返回上报情况')}
        </Link>
      </div>
      <Form
        method="post"
        encType="multipart/form-data"
        className="space-y-3 rounded-lg border bg-white p-4"
        aria-label={t('上报落实记录')}
        noValidate
      >
        <CsrfField />
        <p className="text-sm text-slate-600">
          {t(
            '按模板填写本单位牵头政策的落实记录（每行一名享受对象的一笔发放），选择上报期间后上传。系统逐行校验：有任何一行不符合要求则整个文件不导入，并列出每一行的问题；全部通过才一次性入库。每个文件最多 {{n}} 行。',
            { n: MAX_RECORD_ROWS },
          )}
        </p>
        <p>
          {/* A document request, not a client navigation: the browser saves the file. */}
          <a
            href="/policy-records/template"
            download
            className="text-red-700 hover:underline"
            data-testid="records-template"
          >
            {t('下载模板（.xlsx）')}
          </a>
        </p>
        <label className="block">
          <span className="text-slate-600">{t('上报期间')}</span>
          <select
            name="periodId"
            defaultValue={chosen}
            className="mt-1 block w-full rounded border px-2 py-1"
            aria-invalid={errors.periodId ? true : undefined}
          >
            {periods.map((p) => (
              <option key={p.id} value={p.id}>
                {t('{{label}}（截止 {{due}}）', { label: p.label, due: p.dueOn })}
              </option>
            ))}
          </select>
          {errors.periodId ? <span className="text-sm text-red-700">{t(errors.periodId[0])}</span> : null}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('落实记录文件（.xlsx，不超过 5 MB）')}</span>
          <input
            type="file"
            name="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            className="mt-1 block w-full text-sm file:mr-3 file:rounded file:border file:border-slate-300 file:bg-white file:px-3 file:py-1 hover:file:bg-slate-100"
          />
          {errors.file ? <span className="text-sm text-red-700">{t(errors.file[0])}</span> : null}
        </label>
        <button disabled={busy} className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800">
          {busy ? t('校验中…') : t('上传')}
        </button>
        {data?.failure.length ? (
          <div role="alert" className="rounded bg-red-50 p-2 text-red-700" data-testid="records-refused">
            <p className="font-semibold">{t('文件未导入，请修改后重新上传：')}</p>
            <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
              {data.failure.map((line) => (
                <li key={line.row} data-row={line.row}>
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
  );
}
