import sharp from 'sharp';
import { InvalidInput } from '../domain/errors';
import { checkFile, type UploadedFile } from '../storage/stored-file.server';
import { MAX_CITIZEN_PHOTOS } from './web-appeal-types';

// A citizen's photos filed with a web appeal: checked as every upload is, images only, and re-encoded without their
// metadata (EXIF with its GPS position, XMP, IPTC) before they are stored, unless the citizen chose to share the
// photo's place. A phone photo says where it was taken, often where the citizen lives.

export { MAX_CITIZEN_PHOTOS };

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
const FORMATS = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' } as const;
/** A phone photo is at most ~50 megapixels; anything bigger is a decompression bomb, not a photo. */
const MAX_PIXELS = 60_000_000;

const refuse = (message: string, field: string) => new InvalidInput(message, { [field]: [message] });

/**
 * The bytes with every metadata block dropped: decoded and encoded again in the same format, the orientation the
 * EXIF asked for applied to the pixels first (the tag itself goes with the rest).
 */
export async function stripImageMetadata(bytes: Uint8Array, contentType: string): Promise<Uint8Array> {
  const format = FORMATS[contentType as keyof typeof FORMATS];
  if (!format) throw new Error(`not a photo type: ${contentType}`);
  const image = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).autoOrient();
  // sharp writes no metadata unless asked to (withMetadata / keepExif): none is asked for here.
  const encoded =
    format === 'jpeg'
      ? image.jpeg({ quality: 88, mozjpeg: true })
      : format === 'png'
        ? image.png({ compressionLevel: 9 })
        : image.webp({ quality: 88 });
  return new Uint8Array(await encoded.toBuffer());
}

/**
 * Checks the photos (how many, each as staff uploads are checked, images only, decodable) and returns what is to be
 * stored: stripped of metadata, or the original bytes when `sharePlace`. Refusals name `field`; nothing is written.
 */
export async function preparePhotos(
  files: UploadedFile[],
  opts: { sharePlace: boolean; field?: string },
): Promise<UploadedFile[]> {
  const field = opts.field ?? 'photos';
  if (files.length > MAX_CITIZEN_PHOTOS) throw refuse(`最多上传 ${MAX_CITIZEN_PHOTOS} 张照片`, field);
  const prepared: UploadedFile[] = [];
  for (const file of files) {
    let contentType: string;
    try {
      ({ contentType } = checkFile(file));
    } catch (err) {
      if (err instanceof InvalidInput) throw refuse(err.message, field);
      throw err;
    }
    if (!PHOTO_TYPES.has(contentType)) throw refuse('只能上传 JPG、PNG、WEBP 照片', field);
    let bytes: Uint8Array;
    try {
      bytes = opts.sharePlace ? await decodable(file.bytes) : await stripImageMetadata(file.bytes, contentType);
    } catch {
      throw refuse('照片无法读取，请换一张', field);
    }
    prepared.push({ name: file.name, type: contentType, bytes });
  }
  return prepared;
}

/** A photo kept as it came must still be an image sharp can read, as a stripped one is. */
async function decodable(bytes: Uint8Array): Promise<Uint8Array> {
  await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).stats();
  return bytes;
}
