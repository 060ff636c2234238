import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useRef, useState } from 'react';
import { publicCategories, submitWebAppeal, trackingPath } from '../citizen/submission.server';
import { MAX_CITIZEN_PHOTOS, WEB_APPEAL_TYPES } from '../citizen/web-appeal-types';
import { requestCode } from '../citizen/verification.server';
import { FieldError } from '../components/field-error';
import { PhoneCodeFields } from '../components/phone-code-fields';
import { PhotoPicker, type PhotoPickerHandle } from '../components/photo-picker';
import { PlacePicker } from '../components/place-picker';
import { publicMapOutlines } from '../grids/grids.server';
import { clientOf } from '../http/client.server';
import { formFailure } from '../http/errors.server';
import { bytesOf, readUpload, type UploadWords } from '../http/upload.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { TYPE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '我要反映 · 12345 市民诉求' }];

// Leaflet's own CSS, on this page only: the map's script is fetched only once this page is interactive.
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];

export async function loader({ context }: LoaderFunctionArgs) {
  const em = context.runtime.db.em();
  return { groups: await publicCategories(em), outlines: await publicMapOutlines(em) };
}

const FIELDS = [
  'intent',
  'type',
  'categoryId',
  'content',
  'address',
  'lat',
  'lng',
  'phone',
  'code',
  'name',
  'confidential',
  'sharePlace',
  'consent',
] as const;

const PHOTO_WORDS: UploadWords = {
  tooLarge: '每张照片不能超过 10 MB',
  tooMuch: `最多上传 ${MAX_CITIZEN_PHOTOS} 张照片，每张不超过 10 MB`,
  notMultipart: '请重新打开页面后提交',
  noFile: '请选择照片',
};

/** The public site's origin for the link in the SMS: PUBLIC_ORIGIN when set, else the request's. */
const siteUrl = (request: Request) => (process.env.PUBLIC_ORIGIN ?? new URL(request.url).origin).replace(/\/$/, '');

export async function action({ request, context }: ActionFunctionArgs) {
  let intent: string | undefined;
  let values: Record<string, string> = {};
  try {
    const upload = await readUpload(request, {
      files: ['photos'],
      maxFiles: MAX_CITIZEN_PHOTOS,
      fields: FIELDS,
      // The description is prose: its length is the domain's rule.
      maxFieldLength: 10_000,
      words: PHOTO_WORDS,
    });
    const { intent: asked, ...read } = upload.fields;
    intent = asked;
    const fields = Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    // What the citizen typed comes back into the form, except the code.
    const { code: _code, ...typed } = fields;
    values = typed;
    if (intent === 'code') {
      const sent = await requestCode(
        context.runtime.db.em(),
        { phone: fields.phone ?? '', purpose: 'submit' },
        clientOf(request, context).ip,
      );
      return json({ sent: sent.phone, values, failure: null });
    }
    const photos = await Promise.all(upload.files.photos.map(bytesOf));
    const r = await submitWebAppeal(context.runtime.services, fields, siteUrl(request), photos);
    return redirect(`${trackingPath(r.token)}?new=1`);
  } catch (err) {
    const { failure, status } = formFailure(err, intent === 'code' ? 'code' : 'submit');
    return json({ sent: null, values, failure }, { status });
  }
}

const field = 'mt-1 block w-full rounded border px-3 py-2';

export default function SubmitAppeal() {
  const { groups, outlines } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const photos = useRef<PhotoPickerHandle>(null);
  const [compressing, setCompressing] = useState(false);
  const busy = useNavigation().state !== 'idle' || compressing;
  const values = data?.values ?? {};
  const errors = data?.failure?.fieldErrors ?? {};
  const err = (name: string) => <FieldError messages={errors[name]} testId={`error-${name}`} />;
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="space-y-4"
      noValidate
      // The photos go with the appeal, not with the request for a code.
      onSubmit={(e) => {
        const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        photos.current?.fill(submitter?.value !== 'code');
      }}
    >
      <CsrfField />
      <h1 className="text-lg font-semibold">{t('我要反映')}</h1>
      {data?.failure && !Object.keys(errors).length ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid="form-error">
          {t(data.failure.message)}
        </p>
      ) : null}
      <fieldset>
        <legend className="text-slate-700">{t('诉求类型')}</legend>
        <div className="mt-1 grid grid-cols-2 gap-2">
          {WEB_APPEAL_TYPES.map((v) => (
            <label key={v} className="flex items-center gap-2 rounded border px-3 py-2">
              <input type="radio" name="type" value={v} defaultChecked={(values.type ?? 'complaint') === v} />
              {t(TYPE_LABELS[v])}
            </label>
          ))}
        </div>
        {err('type')}
      </fieldset>
      <label className="block">
        <span className="text-slate-700">{t('诉求分类')}</span>
        <select name="categoryId" defaultValue={values.categoryId ?? ''} className={field} data-testid="category">
          <option value="">{t('（请选择）')}</option>
          {groups.map((g) => (
            <optgroup key={g.id} label={t(g.name)}>
              {g.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {t(c.name)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {err('categoryId')}
      </label>
      <label className="block">
        <span className="text-slate-700">{t('诉求内容')}</span>
        <textarea
          name="content"
          rows={5}
          defaultValue={values.content}
          className={field}
          placeholder={t('请写明发生了什么、在哪里、您希望怎样解决')}
        />
        {err('content')}
      </label>
      <div>
        <label className="block">
          <span className="text-slate-700">{t('地点（选填）')}</span>
          <input name="address" defaultValue={values.address} className={field} />
        </label>
        {err('address')}
        <PlacePicker
          outlines={outlines}
          initial={{ lat: values.lat, lng: values.lng }}
          error={err(errors.lat?.[0] ? 'lat' : 'lng')}
        />
      </div>
      <PhotoPicker
        ref={photos}
        max={MAX_CITIZEN_PHOTOS}
        sharePlace={values.sharePlace === 'on'}
        onBusy={setCompressing}
        error={err('photos')}
      />
      <label className="block">
        <span className="text-slate-700">{t('称呼（选填）')}</span>
        <input name="name" defaultValue={values.name} className={field} autoComplete="name" />
        {err('name')}
      </label>
      <PhoneCodeFields phone={values.phone} sent={data?.sent} errors={errors} busy={busy} />
      <label className="flex items-start gap-2">
        <input type="checkbox" name="confidential" defaultChecked={values.confidential === 'on'} className="mt-1" />
        <span>{t('为我保密：承办单位看不到我的姓名和电话')}</span>
      </label>
      <details className="rounded border bg-slate-50 px-3 py-2 text-sm text-slate-700">
        <summary>{t('个人信息处理规则')}</summary>
        <p className="mt-2">
          {t(
            '您的手机号、称呼和诉求内容仅用于受理、办理、答复和回访本诉求，由 12345 热线工作机构按《中华人民共和国个人信息保护法》保存和处理，不向无关单位和个人提供。',
          )}
        </p>
      </details>
      <label className="flex items-start gap-2">
        <input type="checkbox" name="consent" defaultChecked={values.consent === 'on'} className="mt-1" />
        <span>{t('我已阅读并同意个人信息处理规则')}</span>
      </label>
      {err('consent')}
      <button
        name="intent"
        value="submit"
        disabled={busy}
        className="w-full rounded bg-red-700 py-3 font-semibold text-white disabled:opacity-50"
        data-testid="submit-appeal"
      >
        {t('提交')}
      </button>
    </Form>
  );
}
