import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { localDateOf } from '../calendar/working-time';
import { requireUserWith } from '../auth/session.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import {
  articleOptions,
  createArticle,
  deactivateArticle,
  listArticles,
  updateArticle,
  type ArticleRow,
} from '../knowledge/knowledge.server';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '知识库维护 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:knowledge');
  const em = context.runtime.db.em();
  const search = new URL(request.url).searchParams;
  const id = z.coerce.number().int().positive();
  const edit = id.safeParse(search.get('edit'));
  const saved = id.safeParse(search.get('saved'));
  const articles = await domain(() => listArticles(em, user.actor));
  return {
    articles,
    editId: edit.success ? edit.data : null,
    savedId: saved.success ? saved.data : null,
    // The city's date (Asia/Shanghai), the same rule the search uses for valid dates.
    today: localDateOf(new Date()),
    ...(await articleOptions(em)),
  };
}

const actionForm = z.object({
  intent: z.enum(['create', 'update', 'deactivate']),
  id: z.coerce.number().int().positive().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:knowledge');
  const { form: data, refused } = await readFormWithRefusal(request);
  const form = Object.fromEntries(data);
  const parsed = actionForm.safeParse(form);
  if (!parsed.success)
    return json({ failure: { intent: '', message: '无效的操作' } as FormFailure, done: null }, { status: 400 });
  const { intent, id } = parsed.data;
  const em = context.runtime.db.em();
  let saved: number;
  try {
    if (refused) throw refused;
    if (intent === 'create') saved = (await createArticle(em, user.actor, form)).id;
    else if (intent === 'update' && id) await updateArticle(em, user.actor, (saved = id), form);
    else if (intent === 'deactivate' && id) await deactivateArticle(em, user.actor, (saved = id));
    else return json({ failure: { intent, message: '无效的操作' } as FormFailure, done: null }, { status: 400 });
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, done: null }, { status });
  }
  // `saved` gives the add form a fresh key, so it comes back empty after a successful submit.
  return redirect(`/admin/knowledge?saved=${saved}`);
}

const field = 'mt-1 w-full rounded border px-2 py-1';

function ArticleForm({
  article,
  failure,
  options,
}: {
  article: ArticleRow | null;
  failure: FormFailure | null;
  options: {
    categories: { id: number; name: string; parent: string | null }[];
    departments: { id: number; name: string }[];
  };
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = failure?.fieldErrors ?? {};
  const err = (name: string) =>
    errors[name] ? (
      <span id={`${name}-error`} role="alert" className="block text-xs text-red-600">
        {t(errors[name][0])}
      </span>
    ) : null;
  const intent = article ? 'update' : 'create';
  const label = article ? t('编辑知识条目 {{title}}', { title: article.title }) : t('新增知识条目');
  return (
    <Form method="post" className="space-y-3 rounded-lg border bg-white p-4" aria-label={label} noValidate>
      <CsrfField />
      <h2 className="font-semibold">{t(article ? '编辑知识条目' : '新增知识条目')}</h2>
      {failure ? (
        <p role="alert" className="text-red-600">
          {t(failure.message)}
        </p>
      ) : null}
      {article ? <input type="hidden" name="id" value={article.id} /> : null}
      <div>
        <label className="block">
          <span className="text-slate-600">{t('标题')}</span>
          <input
            name="title"
            defaultValue={article?.title ?? ''}
            className={field}
            aria-invalid={Boolean(errors.title)}
            aria-describedby="title-error"
          />
        </label>
        {err('title')}
      </div>
      <div>
        <label className="block">
          <span className="text-slate-600">{t('正文')}</span>
          <textarea
            name="body"
            rows={6}
            defaultValue={article?.body ?? ''}
            className={field}
            aria-invalid={Boolean(errors.body)}
            aria-describedby="body-error"
          />
        </label>
        {err('body')}
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <div>
          <label className="block">
            <span className="text-slate-600">{t('分类')}</span>
            <select
              name="categoryId"
              defaultValue={article?.categoryId ?? ''}
              className={field}
              aria-invalid={Boolean(errors.categoryId)}
              aria-describedby="categoryId-error"
            >
              <option value="">{t('（通用）')}</option>
              {options.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.parent ? `${c.parent} / ${c.name}` : c.name}
                </option>
              ))}
            </select>
          </label>
          {err('categoryId')}
        </div>
        <div>
          <label className="block">
            <span className="text-slate-600">{t('责任单位')}</span>
            <select
              name="departmentId"
              defaultValue={article?.departmentId ?? ''}
              className={field}
              aria-invalid={Boolean(errors.departmentId)}
              aria-describedby="departmentId-error"
            >
              <option value="">{t('（无）')}</option>
              {options.departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          {err('departmentId')}
        </div>
        <div>
          <label className="block">
            <span className="text-slate-600">{t('生效日期')}</span>
            <input
              type="date"
              name="validFrom"
              defaultValue={article?.validFrom ?? ''}
              className={field}
              aria-invalid={Boolean(errors.validFrom)}
              aria-describedby="validFrom-error"
            />
          </label>
          {err('validFrom')}
        </div>
        <div>
          <label className="block">
            <span className="text-slate-600">{t('失效日期')}</span>
            <input
              type="date"
              name="validTo"
              defaultValue={article?.validTo ?? ''}
              className={field}
              aria-invalid={Boolean(errors.validTo)}
              aria-describedby="validTo-error"
            />
          </label>
          {err('validTo')}
        </div>
      </div>
      <div className="flex items-center gap-3">
        <button
          name="intent"
          value={intent}
          disabled={busy}
          className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
        >
          {t(article ? '保存修改' : '新增')}
        </button>
        {article ? (
          <Link to="/admin/knowledge" className="text-slate-600 hover:underline">
            {t('取消编辑')}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

function status(a: ArticleRow, today: string) {
  if (!a.active) return '已停用';
  if (a.validFrom && a.validFrom > today) return '未生效';
  if (a.validTo && a.validTo < today) return '已过期';
  return '有效';
}

export default function AdminKnowledge() {
  const { articles, editId, savedId, today, categories, departments } = useLoaderData<typeof loader>();
  const { t } = useT();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const editing = editId ? (articles.find((a) => a.id === editId) ?? null) : null;
  const formFailed =
    result?.failure && (result.failure.intent === 'create' || result.failure.intent === 'update')
      ? result.failure
      : null;
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">{t('知识库维护')}</h1>
      {result?.failure?.intent === 'deactivate' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      {savedId && !result ? (
        <p role="status" className="text-emerald-700">
          {t('已保存：{{title}}', { title: articles.find((a) => a.id === savedId)?.title ?? '' })}
        </p>
      ) : null}
      <ArticleForm
        key={editing ? `edit-${editing.id}` : `new-${savedId ?? ''}`}
        article={editing}
        failure={formFailed}
        options={{ categories, departments }}
      />
      <section className="rounded-lg border bg-white" aria-labelledby="articles-h">
        <h2 id="articles-h" className="border-b px-4 py-2 font-semibold">
          {t('知识条目（{{n}}）', { n: articles.length })}
        </h2>
        <table className="w-full text-left">
          <thead>
            <tr className="border-b text-slate-500">
              <th className="px-4 py-1">{t('标题')}</th>
              <th>{t('分类')}</th>
              <th>{t('责任单位')}</th>
              <th>{t('有效期')}</th>
              <th>{t('状态')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {articles.map((a) => (
              <tr key={a.id} className="border-b align-top last:border-0">
                <td className="px-4 py-1.5">
                  <div className="font-medium">{a.title}</div>
                  <div className="line-clamp-2 max-w-xl text-xs text-slate-500">{a.body}</div>
                </td>
                <td>{a.category ?? t('通用')}</td>
                <td>{a.department ?? '—'}</td>
                <td className="whitespace-nowrap">
                  {a.validFrom ?? t('不限')} {t('至')} {a.validTo ?? t('不限')}
                </td>
                <td>{t(status(a, today))}</td>
                <td className="whitespace-nowrap py-1.5 pr-4">
                  <Link
                    to={`?edit=${a.id}`}
                    className="text-red-700 hover:underline"
                    aria-label={t('编辑 {{title}}', { title: a.title })}
                  >
                    {t('编辑')}
                  </Link>
                  {a.active ? (
                    <Form method="post" className="ml-3 inline" aria-label={t('停用 {{title}}', { title: a.title })}>
                      <CsrfField />
                      <input type="hidden" name="id" value={a.id} />
                      <button
                        name="intent"
                        value="deactivate"
                        disabled={busy}
                        className="rounded border px-2 py-0.5 hover:bg-slate-100"
                      >
                        {t('停用')}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {articles.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('暂无知识条目')}</p> : null}
      </section>
    </div>
  );
}
