import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

/**
 * A multipart upload to a resource route. With JavaScript a refusal (wrong type, too large, closed
 * case) is shown under the form and the page stays; success reloads the page the route redirects to.
 * Without JavaScript it is a plain form.
 */
export function UploadForm({
  action,
  label,
  className,
  children,
}: {
  action: string;
  label?: string;
  className?: string;
  children: ReactNode;
}) {
  const { t } = useT();
  const fetcher = useFetcher<{ message?: string; fieldErrors?: Record<string, string[]> }>();
  const refusal = fetcher.state === 'idle' ? fetcher.data : undefined;
  const message = refusal?.fieldErrors
    ? (Object.values(refusal.fieldErrors)[0]?.[0] ?? refusal.message)
    : refusal?.message;
  // After a successful upload the file is listed; the picker starts empty again for the next one.
  const form = useRef<HTMLFormElement>(null);
  const wasBusy = useRef(false);
  useEffect(() => {
    if (fetcher.state !== 'idle') wasBusy.current = true;
    else if (wasBusy.current) {
      wasBusy.current = false;
      if (!fetcher.data?.message) form.current?.reset();
    }
  }, [fetcher.state, fetcher.data]);
  return (
    <fetcher.Form
      ref={form}
      method="post"
      encType="multipart/form-data"
      action={action}
      className={className}
      aria-label={label}
    >
      <CsrfField />
      {children}
      {message ? (
        <p role="alert" className="text-sm text-red-600" data-testid="upload-error">
          {t(message)}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={fetcher.state !== 'idle'}
        className="rounded bg-red-700 px-3 py-1 text-white hover:bg-red-800 disabled:opacity-60"
      >
        {t('上传')}
      </button>
    </fetcher.Form>
  );
}
