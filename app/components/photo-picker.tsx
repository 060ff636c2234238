import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useT } from '../i18n/use-t';
import { compressPhoto } from './photo-compress.client';

// The photos of a citizen's appeal: chosen (or taken) on the phone, made small in the browser, shown as thumbnails
// with a remove button. Without JavaScript the same input is a plain multiple file input and the server does the rest.

interface Chosen {
  key: number;
  original: File;
  small: File;
  url: string;
}

export interface PhotoPickerHandle {
  /** Puts the chosen photos into the form's file input before it posts; `upload` false sends none. */
  fill(upload: boolean): void;
}

let nextKey = 1;

export const PhotoPicker = forwardRef<
  PhotoPickerHandle,
  {
    max: number;
    error?: React.ReactNode;
    sharePlace: boolean;
    onBusy?: (busy: boolean) => void;
  }
>(function PhotoPicker({ max, error, sharePlace: sharedAtFirst, onBusy }, ref) {
  const { t } = useT();
  const input = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [busy, setBusy] = useState(false);
  const [dropped, setDropped] = useState(0);
  const [sharePlace, setSharePlace] = useState(sharedAtFirst);
  const [enhanced, setEnhanced] = useState(false);
  const latest = useRef({ chosen, sharePlace });
  latest.current = { chosen, sharePlace };

  useEffect(() => {
    setEnhanced(true);
    // Photos chosen before the page's script ran join the picker too.
    const early = [...(input.current?.files ?? [])];
    if (early.length && input.current) {
      input.current.value = '';
      void add(early);
    }
    // Once, when the page becomes interactive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => onBusy?.(busy), [busy, onBusy]);
  // Thumbnails live as object URLs until their photo is removed or the page goes.
  const urls = useRef(new Set<string>());
  useEffect(() => {
    const live = urls.current;
    return () => live.forEach((u) => URL.revokeObjectURL(u));
  }, []);

  useImperativeHandle(ref, () => ({
    fill(upload) {
      if (!input.current) return;
      const list = new DataTransfer();
      // Sharing the place sends the photo as it was taken: the browser's copy has lost its EXIF.
      if (upload)
        for (const c of latest.current.chosen) list.items.add(latest.current.sharePlace ? c.original : c.small);
      input.current.files = list.files;
    },
  }));

  async function add(files: File[]) {
    if (!files.length) return;
    setBusy(true);
    try {
      const room = Math.max(0, max - latest.current.chosen.length);
      setDropped(Math.max(0, files.length - room));
      const added: Chosen[] = [];
      for (const original of files.slice(0, room)) {
        const small = await compressPhoto(original);
        const url = URL.createObjectURL(small);
        urls.current.add(url);
        added.push({ key: nextKey++, original, small, url });
      }
      setChosen((was) => [...was, ...added].slice(0, max));
    } finally {
      setBusy(false);
    }
  }

  function remove(key: number) {
    setDropped(0);
    setChosen((was) => {
      const gone = was.find((c) => c.key === key);
      if (gone) {
        URL.revokeObjectURL(gone.url);
        urls.current.delete(gone.url);
      }
      return was.filter((c) => c.key !== key);
    });
  }

  return (
    <fieldset data-testid="photo-picker">
      <legend className="text-slate-700">{t('照片（选填，最多 {{max}} 张）', { max })}</legend>
      <input
        ref={input}
        type="file"
        name="photos"
        multiple
        accept="image/jpeg,image/png,image/webp"
        aria-label={t('选择照片')}
        data-testid="photo-input"
        className="mt-1 block w-full text-sm"
        disabled={enhanced && chosen.length >= max}
        onChange={(e) => {
          if (!enhanced) return;
          const files = [...(e.target.files ?? [])];
          // The picker keeps them; the input is emptied so the next choice adds to them.
          e.target.value = '';
          void add(files);
        }}
      />
      {busy ? (
        <p role="status" className="mt-1 text-sm text-slate-600" data-testid="photos-busy">
          {t('正在压缩照片…')}
        </p>
      ) : null}
      {dropped ? (
        <p role="alert" className="mt-1 text-sm text-amber-800">
          {t('最多 {{max}} 张照片，多出的 {{n}} 张未添加', { max, n: dropped })}
        </p>
      ) : null}
      {chosen.length ? (
        <ul className="mt-2 grid grid-cols-3 gap-2" aria-label={t('已选照片')}>
          {chosen.map((c, i) => (
            <li key={c.key} className="relative" data-testid="photo-thumb">
              <img
                src={c.url}
                alt={t('照片 {{n}}', { n: i + 1 })}
                className="aspect-square w-full rounded border object-cover"
              />
              <button
                type="button"
                onClick={() => remove(c.key)}
                className="absolute top-1 right-1 rounded bg-white/90 px-2 text-sm text-red-700 shadow"
                aria-label={t('移除照片 {{n}}', { n: i + 1 })}
                data-testid="photo-remove"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error}
      <label className="mt-2 flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="sharePlace"
          checked={sharePlace}
          onChange={(e) => setSharePlace(e.target.checked)}
          className="mt-1"
        />
        <span>{t('分享照片位置：保留照片中的拍摄地点等信息（默认会去除）')}</span>
      </label>
    </fieldset>
  );
});
