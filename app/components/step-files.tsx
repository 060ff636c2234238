import { useT } from '../i18n/use-t';
import { MAX_STEP_FILES } from '../appeals/step-files';

// Mirrors the server's allow-list so the picker offers the right files; the server still checks every file.
const ACCEPT = '.jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx,.txt';

/** Files sent with a reply or an assisting opinion, in the same step: either both are saved or neither. */
export function StepFilesField({ errors }: { errors?: Record<string, string[]> }) {
  const { t } = useT();
  const message = errors?.file?.[0];
  return (
    <label className="block">
      <span className="text-slate-600">{t('附件（可选，最多 {{n}} 个）', { n: MAX_STEP_FILES })}</span>
      <input
        name="file"
        type="file"
        multiple
        accept={ACCEPT}
        aria-invalid={Boolean(message)}
        className="mt-1 block w-full text-sm file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-3 file:py-1"
      />
      {message ? (
        <span role="alert" className="block text-xs text-red-600">
          {t(message)}
        </span>
      ) : null}
    </label>
  );
}

/** The files a timeline step was saved with, as download links. */
export function StepFileLinks({ files }: { files: { id: number; fileName: string }[] }) {
  const { t } = useT();
  if (!files.length) return null;
  return (
    <p className="mt-0.5 flex flex-wrap gap-x-3 text-sm" data-testid="step-files">
      <span className="text-slate-500">{t('附件')}：</span>
      {files.map((f) => (
        // A plain link: a download is not a page navigation.
        <a key={f.id} href={`/attachments/${f.id}`} download className="text-red-700 hover:underline">
          {f.fileName}
        </a>
      ))}
    </p>
  );
}
