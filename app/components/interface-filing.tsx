import type { InterfaceFiling as Filing } from '../open311/georeport.server';
import { useT } from '../i18n/use-t';

/** 接口附加信息: what the filing system sent beside the appeal — its answers to the category's questions, links. */
export function InterfaceFiling({ filing }: { filing: Filing }) {
  const { t } = useT();
  const { answers, mediaUrl, addressId, reporter } = filing;
  if (!answers.length && !mediaUrl && !addressId && !reporter.email && !reporter.deviceId && !reporter.accountId)
    return null;
  return (
    <section
      className="rounded-lg border bg-white p-4"
      aria-labelledby="interface-filing-h"
      data-testid="interface-filing"
    >
      <h2 id="interface-filing-h" className="mb-2 font-semibold">
        {t('接口附加信息')}
        <span className="ml-2 text-sm font-normal text-slate-500">
          {t('由 {{client}} 报送', { client: filing.client })}
        </span>
      </h2>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm md:grid-cols-[max-content_1fr]">
        {answers.map((a) => (
          <div key={a.code} className="contents" data-testid={`interface-answer-${a.code}`}>
            <dt className="text-slate-500">{a.question}</dt>
            <dd>{a.shown}</dd>
          </div>
        ))}
        {mediaUrl ? (
          <>
            <dt className="text-slate-500">{t('图片或视频链接')}</dt>
            <dd>
              <a
                href={mediaUrl}
                target="_blank"
                rel="noopener noreferrer nofollow"
                className="break-all text-red-700 underline"
                data-testid="interface-media-url"
              >
                {mediaUrl}
              </a>
            </dd>
          </>
        ) : null}
        {addressId ? (
          <>
            <dt className="text-slate-500">{t('地址编号')}</dt>
            <dd className="font-mono">{addressId}</dd>
          </>
        ) : null}
        {reporter.email ? (
          <>
            <dt className="text-slate-500">{t('电子邮箱')}</dt>
            <dd>{reporter.email}</dd>
          </>
        ) : null}
        {reporter.accountId ? (
          <>
            <dt className="text-slate-500">{t('报送系统中的账户')}</dt>
            <dd className="font-mono">{reporter.accountId}</dd>
          </>
        ) : null}
        {reporter.deviceId ? (
          <>
            <dt className="text-slate-500">{t('设备编号')}</dt>
            <dd className="font-mono">{reporter.deviceId}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
