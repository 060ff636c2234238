import type { AppealSmsView } from '../appeals/sms-log.server';
import { useT } from '../i18n/use-t';

const STATUS_LABELS: Record<AppealSmsView['status'], string> = {
  pending: '待发送',
  sent: '已发送',
  delivered: '已送达',
  failed: '发送失败',
};
const STATUS_STYLES: Record<AppealSmsView['status'], string> = {
  pending: 'bg-amber-100 text-amber-900',
  sent: 'bg-sky-100 text-sky-900',
  delivered: 'bg-green-100 text-green-800',
  failed: 'bg-red-100 text-red-800',
};

/** The text messages that went to the citizen about this appeal, and whether they were delivered. */
export function AppealSms({ messages }: { messages: AppealSmsView[] }) {
  const { t } = useT();
  return (
    <section className="rounded-lg border bg-white p-4" aria-labelledby="sms-h">
      <h2 id="sms-h" className="mb-2 font-semibold">
        {t('短信通知')}（{messages.length}）
      </h2>
      {messages.length ? (
        <ul className="space-y-2" data-testid="appeal-sms">
          {messages.map((m) => (
            <li key={m.id} className="rounded bg-slate-50 p-2" data-testid="appeal-sms-item">
              <div className="flex flex-wrap items-center gap-x-3 text-sm">
                <span className="font-medium">{t(m.templateName)}</span>
                <span data-testid="sms-phone">{m.phone ?? t('（保密）')}</span>
                <span className={`rounded px-1.5 text-xs ${STATUS_STYLES[m.status]}`} data-testid="sms-status">
                  {t(STATUS_LABELS[m.status])}
                </span>
                <span className="text-slate-500">
                  {t('生成于')} {m.queuedAt}
                </span>
                {m.sentAt ? (
                  <span className="text-slate-500" data-testid="sms-sent-at">
                    {t(m.status === 'failed' || m.status === 'pending' ? '尝试发送于' : '发送于')} {m.sentAt}
                  </span>
                ) : null}
                {m.deliveredAt ? (
                  <span className="text-slate-500" data-testid="sms-delivered-at">
                    {t('送达于')} {m.deliveredAt}
                  </span>
                ) : null}
                {m.attempts > 1 || m.nextAttemptAt ? (
                  <span className="text-slate-500" data-testid="sms-attempts">
                    {t('已尝试 {{n}} 次', { n: m.attempts })}
                    {m.nextAttemptAt ? ` · ${t('下次重试')} ${m.nextAttemptAt}` : ''}
                  </span>
                ) : null}
              </div>
              {m.lastError && m.status !== 'sent' && m.status !== 'delivered' ? (
                <p className="text-xs text-red-700" data-testid="sms-error">
                  {m.lastError}
                </p>
              ) : null}
              <p className="mt-0.5 whitespace-pre-wrap text-slate-700" data-testid="sms-body">
                {m.body}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-slate-500">{t('暂无短信')}</p>
      )}
    </section>
  );
}
