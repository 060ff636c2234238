// Photos made small in the browser before they travel: a phone photo of 4–12 MB becomes a JPEG of a few hundred KB,
// its longest side 1600 px, which is what a handler needs to see the matter and what a slow network can carry.

export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_QUALITY = 0.8;
/** A JPEG already this small and within the side is sent as chosen: encoding it again only loses detail. */
const SMALL_ENOUGH_BYTES = 400 * 1024;

const jpegName = (name: string) => `${name.replace(/\.[^.]*$/, '') || 'photo'}.jpg`;

/**
 * The photo as a JPEG of at most 1600 px on its longest side, turned as its EXIF says (createImageBitmap applies the
 * orientation). A file the browser cannot decode is returned as it is, for the server to refuse in words.
 */
export async function compressPhoto(file: File): Promise<File> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file;
  }
  try {
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.type === 'image/jpeg' && file.size <= SMALL_ENOUGH_BYTES) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY));
    if (!blob || (file.type === 'image/jpeg' && scale === 1 && blob.size >= file.size)) return file;
    return new File([blob], jpegName(file.name), { type: 'image/jpeg', lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}
