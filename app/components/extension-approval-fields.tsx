import type { ExtensionRequest } from '../appeals/actions.server';
import { useT } from '../i18n/use-t';

/**
 * The 批准延期 form's fields: the days start at what the handling unit asked for, with its reason
 * beside them, and the approver may change the days before approving.
 */
export function ExtensionApprovalFields({
  request,
  error,
  className,
}: {
  request: ExtensionRequest | null;
  error?: string;
  className: string;
}) {
  const { t } = useT();
  return (
    <>
      {request ? (
        <p className="text-xs text-slate-600" data-testid="extension-request">
          {request.days !== null ? t('承办单位申请延期 {{days}} 个工作日', { days: request.days }) : null}
          {request.reason ? (
            <>
              <br />
              {t('申请理由：')}
              {request.reason}
            </>
          ) : null}
        </p>
      ) : null}
      <label className="block">
        <span className="text-slate-600">{t('批准延期工作日')}</span>
        <input
          name="days"
          type="number"
          min={1}
          max={30}
          defaultValue={request?.days ?? undefined}
          className={className}
          aria-invalid={Boolean(error)}
        />
        {error ? (
          <span role="alert" className="block text-xs text-red-600">
            {t(error)}
          </span>
        ) : null}
      </label>
    </>
  );
}
