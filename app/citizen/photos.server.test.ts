import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../domain/errors';
import { PHOTO_PLACE, gpsOf, jpegWithGps, plainPng } from '../../tests/support/photos';
import { MAX_CITIZEN_PHOTOS, preparePhotos, stripImageMetadata } from './photos.server';

// A citizen's photo loses what it says about where it was taken before it is stored, unless the citizen shares it.

const photo = (name: string, type: string, bytes: Uint8Array) => ({ name, type, bytes });

describe("a citizen's photos", () => {
  it('keeps no EXIF, GPS or XMP in a stored JPEG, and applies the orientation it asked for', async () => {
    const original = await jpegWithGps({ width: 320, height: 240, orientation: 6 });
    expect(await gpsOf(original)).toEqual({
      lat: expect.closeTo(PHOTO_PLACE.lat, 4),
      lng: expect.closeTo(PHOTO_PLACE.lng, 4),
    });
    const before = await sharp(original).metadata();
    expect(before).toMatchObject({ orientation: 6, width: 320, height: 240 });
    expect(before.xmp).toBeDefined();

    const [stored] = await preparePhotos([photo('门口.jpg', 'image/jpeg', original)], { sharePlace: false });
    expect(stored).toMatchObject({ name: '门口.jpg', type: 'image/jpeg' });
    expect(await gpsOf(stored.bytes)).toBeNull();
    const after = await sharp(stored.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    // Turned as the phone meant it: the pixels are upright now.
    expect(after).toMatchObject({ format: 'jpeg', width: 240, height: 320 });
  });

  it('strips PNG and WEBP in their own format', async () => {
    const webp = await sharp(await plainPng())
      .webp()
      .withExif({ IFD0: { Make: 'TestPhone' } })
      .toBuffer();
    expect((await sharp(webp).metadata()).exif).toBeDefined();
    const out = await stripImageMetadata(webp, 'image/webp');
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
    const png = await stripImageMetadata(await plainPng(), 'image/png');
    expect((await sharp(png).metadata()).format).toBe('png');
  });

  it("keeps the original bytes, GPS and all, when the citizen shares the photo's place", async () => {
    const original = await jpegWithGps();
    const [kept] = await preparePhotos([photo('a.jpg', 'image/jpeg', original)], { sharePlace: true });
    expect(Buffer.from(kept.bytes).equals(original)).toBe(true);
    expect(await gpsOf(kept.bytes)).not.toBeNull();
  });

  it('refuses too many photos, a document, a renamed file and bytes that are no image', async () => {
    const jpeg = await jpegWithGps();
    const seven = Array.from({ length: MAX_CITIZEN_PHOTOS + 1 }, (_, i) => photo(`${i}.jpg`, 'image/jpeg', jpeg));
    await expect(preparePhotos(seven, { sharePlace: false })).rejects.toMatchObject({
      fieldErrors: { photos: ['最多上传 6 张照片'] },
    });
    const pdf = photo('a.pdf', 'application/pdf', new TextEncoder().encode('%PDF-1.4\n'));
    await expect(preparePhotos([pdf], { sharePlace: false })).rejects.toMatchObject({
      fieldErrors: { photos: ['只能上传 JPG、PNG、WEBP 照片'] },
    });
    const text = photo('a.jpg', 'image/jpeg', new TextEncoder().encode('not a photo at all'));
    await expect(preparePhotos([text], { sharePlace: false })).rejects.toMatchObject({
      fieldErrors: { photos: ['文件内容与文件类型不符'] },
    });
    // The magic bytes of a JPEG and nothing a decoder can read, kept or stripped.
    const broken = photo('b.jpg', 'image/jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
    for (const sharePlace of [false, true])
      await expect(preparePhotos([broken], { sharePlace })).rejects.toBeInstanceOf(InvalidInput);
  });
});
