import { useEffect, useState } from 'react';
import { useT } from '../i18n/use-t';

/**
 * Thumbnails of photos chosen on the phone and not sent yet, drawn from the files themselves (object URLs, which
 * the page's policy allows as `blob:` images), each with a button that takes it out again.
 */
export function PhotoPreviews({
  photos,
  onRemove,
  testId,
}: {
  photos: readonly { name: string; blob: Blob }[];
  onRemove: (index: number) => void;
  testId: string;
}) {
  const { t } = useT();
  const [urls, setUrls] = useState<string[]>([]);
  // One URL per file while it is shown; the next list (or leaving the page) lets the old ones go.
  useEffect(() => {
    const made = photos.map((p) => URL.createObjectURL(p.blob));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [photos]);
  if (!photos.length) return null;
  return (
    <ul className="grid grid-cols-3 gap-2" data-testid={testId}>
      {photos.map((p, i) =>
        urls[i] ? (
          <li key={urls[i]} className="relative">
            <img src={urls[i]} alt={p.name} className="aspect-square w-full rounded border bg-slate-100 object-cover" />
            <button
              type="button"
              className="absolute top-1 right-1 h-7 w-7 rounded-full bg-black/60 text-base leading-none text-white"
              aria-label={t('移除照片 {{name}}', { name: p.name })}
              onClick={() => onRemove(i)}
            >
              ×
            </button>
          </li>
        ) : null,
      )}
    </ul>
  );
}
