import sharp from 'sharp';

// Photos for the tests: a phone-like JPEG that says where it was taken (GPS EXIF), and a reader of that position.

/** Where the test photos claim they were taken: a doorstep in the demo city. */
export const PHOTO_PLACE = { lat: 30.2113, lng: 120.1246 };

const dms = (v: number) => {
  const d = Math.floor(v);
  const m = Math.floor((v - d) * 60);
  const s = Math.round(((v - d) * 60 - m) * 60 * 100);
  return `${d}/1 ${m}/1 ${s}/100`;
};

/** A small JPEG carrying GPS, camera and orientation EXIF, as a phone writes it. */
export async function jpegWithGps(
  opts: { width?: number; height?: number; colour?: string; orientation?: number } = {},
): Promise<Buffer> {
  const { width = 320, height = 240, colour = '#c2410c', orientation = 1 } = opts;
  return (
    sharp({ create: { width, height, channels: 3, background: colour } })
      .jpeg({ quality: 80 })
      .withExif({
        IFD0: { Make: 'TestPhone', Model: 'Camera 1' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: dms(PHOTO_PLACE.lat),
          GPSLongitudeRef: 'E',
          GPSLongitude: dms(PHOTO_PLACE.lng),
        },
      })
      // sharp writes the orientation tag itself, from withMetadata.
      .withMetadata({ orientation })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')
      .toBuffer()
  );
}

/** A plain PNG with no metadata. */
export async function plainPng(width = 200, height = 150): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#0369a1' } })
    .png()
    .toBuffer();
}

/** The GPS position a photo's EXIF records, or null when it has none (or no EXIF at all). */
export async function gpsOf(bytes: Uint8Array): Promise<{ lat: number; lng: number } | null> {
  const { exif } = await sharp(bytes).metadata();
  if (!exif) return null;
  // sharp hands the APP1 payload: "Exif\0\0" then a TIFF structure.
  const start = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const tiff = exif.subarray(start);
  const le = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const entries = (ifd: number) =>
    Array.from({ length: u16(ifd) }, (_, i) => {
      const at = ifd + 2 + i * 12;
      return { tag: u16(at), value: u32(at + 8), at };
    });
  const gpsIfd = entries(u32(4)).find((e) => e.tag === 0x8825)?.value;
  if (!gpsIfd) return null;
  const gps = entries(gpsIfd);
  const angle = (tag: number) => {
    const e = gps.find((x) => x.tag === tag);
    if (!e) return null;
    const r = (i: number) => u32(e.value + i * 8) / u32(e.value + i * 8 + 4);
    return r(0) + r(1) / 60 + r(2) / 3600;
  };
  const ref = (tag: number) => {
    const e = gps.find((x) => x.tag === tag);
    return e ? String.fromCharCode(tiff[e.at + 8]) : '';
  };
  const lat = angle(2);
  const lng = angle(4);
  if (lat === null || lng === null) return null;
  return { lat: ref(1) === 'S' ? -lat : lat, lng: ref(3) === 'W' ? -lng : lng };
}
