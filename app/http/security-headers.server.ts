import type { IncomingMessage, ServerResponse } from 'node:http';

// The browser-side policies: one for the pages the app renders, one for everything else it answers with.

/**
 * A page's policy: scripts only from us and with this response's nonce (Remix's inline hydration
 * scripts carry it), no eval; styles stay inline-capable for Leaflet and the charts' computed styles.
 */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self' ws: wss:",
    "media-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** Downloads, exports, recordings, JSON: never sniffed into something else, never run as a page of our origin. */
export const NON_PAGE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
} as const;

/**
 * Express middleware in front of the Remix handler. A resource route's Response goes straight from its
 * loader to the adapter (Remix v2 has no hook for it; `handleDataRequest` sees only `?_data` requests), so
 * this is the one place every resource route and data response passes: just before the headers leave, a
 * response that is not HTML gets the non-page headers it does not already set.
 */
export function nonPageHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    if (!/^text\/html\b/i.test(String(res.getHeader('content-type') ?? ''))) {
      for (const [name, value] of Object.entries(NON_PAGE_HEADERS))
        if (!res.hasHeader(name)) res.setHeader(name, value);
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}
