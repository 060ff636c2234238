import { NON_PAGE_HEADERS } from './security-headers.server';

/** RFC 6266: an ASCII fallback for old clients, the exact name as UTF-8 for the rest. */
function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * A stored file sent as a download: never rendered by the browser in our origin (sandboxed, not
 * sniffed), never cached on shared machines.
 */
export function fileDownload(file: {
  bytes: Uint8Array;
  contentType: string;
  size: number;
  fileName: string;
}): Response {
  return new Response(file.bytes, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Length': String(file.size),
      'Content-Disposition': contentDisposition(file.fileName),
      ...NON_PAGE_HEADERS,
      'Cache-Control': 'private, no-store',
    },
  });
}

/** A document the app prints (a legal document of a case): shown by the browser's PDF viewer, never cached. */
export function inlinePdf(doc: { pdf: Buffer; fileName: string }): Response {
  return new Response(new Uint8Array(doc.pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${doc.fileName}"`,
      'Content-Length': String(doc.pdf.byteLength),
      ...NON_PAGE_HEADERS,
      'Cache-Control': 'private, no-store',
    },
  });
}
