import { useT } from '../i18n/use-t';
import { UploadForm } from './upload-form';
// Mirrors the server's allow-list so the picker offers the right files; the server still checks every upload.
const ACCEPT = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.pdf',
  '.docx',
  '.xlsx',
  '.txt',
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
].join(',');

/** Adds a file to the appeal; comes back to the appeal page, or says why the file was refused. */
export function AttachmentUpload({ appealId }: { appealId: number }) {
  const { t } = useT();
  const inputId = `attachment-file-${appealId}`;
  return (
    <UploadForm action={`/appeals/${appealId}/attachments`} className="mt-3 space-y-2 border-t pt-3">
      <label htmlFor={inputId} className="block text-sm font-medium">
        {t('上传附件')}
      </label>
      <input
        id={inputId}
        name="file"
        type="file"
        required
        accept={ACCEPT}
        aria-describedby={`${inputId}-hint`}
        className="block w-full text-sm file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-3 file:py-1"
      />
      <p id={`${inputId}-hint`} className="text-xs text-slate-500">
        {t('图片（JPG、PNG、WEBP）、PDF、Word、Excel 或文本，不超过 10 MB')}
      </p>
    </UploadForm>
  );
}
