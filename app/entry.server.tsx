import { Transform } from 'node:stream';
import type { EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';

const ABORT_DELAY = 5_000;

// No inline scripts other than Remix's own hydration data; nothing from users is rendered as HTML.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "media-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * React 18's streaming renderer can pad a chunk with NUL bytes where a multi-byte (Chinese) character
 * does not fit its buffer, and the browser then shows "用\uFFFD\uFFFD户" in the middle of a label.
 * A NUL byte is never part of a UTF-8 multi-byte sequence and never belongs in our HTML, so it is dropped.
 */
function withoutNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, chunk.includes(0) ? Buffer.from(chunk.filter((b) => b !== 0)) : chunk);
    },
  });
}

export default function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext) {
  const bot = isbot(request.headers.get('user-agent') ?? '');
  headers.set('Content-Security-Policy', CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'same-origin');
  headers.set('X-Frame-Options', 'DENY');
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        [bot ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true;
          const body = withoutNulBytes();
          headers.set('Content-Type', 'text/html; charset=utf-8');
          resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          status = 500;
          if (shellRendered) console.warn('[render]', error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

// The custom server starts the runtime through the built entry so both share one module graph.
export { startRuntime } from './runtime.server';
export { crossSiteRefusal, unreadableUrl } from './http/request-guard.server';
