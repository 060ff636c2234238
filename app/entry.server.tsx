import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import type { EntryContext, HandleDataRequestFunction, HandleErrorFunction } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { isRouteErrorResponse, RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { isDatabaseUnreachable } from './db/unreachable';
import { DocumentProvider } from './document';
import { databaseUnavailable } from './http/errors.server';
import { pagePolicy } from './http/security-headers.server';
import { languageOf } from './i18n/language.server';
import { provideEnglish } from './i18n/i18n';
import { en } from './i18n/en';
import { citizenSite } from './i18n/en/citizen-site';

const ABORT_DELAY = 5_000;

// The server renders every page, so it holds every set of English; the browser fetches only its page's.
provideEnglish('staff', en);
provideEnglish('citizen', citizenSite);

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

// Requests that failed because the database could not be reached, wherever the error was thrown: they are
// answered 503 (come back shortly) rather than 500. Remix calls handleError before it renders the page.
const databaseUnreachable = new WeakSet<Request>();

export const handleError: HandleErrorFunction = (error, { request }) => {
  const cause =
    isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error;
  if (isDatabaseUnreachable(cause)) {
    databaseUnreachable.add(request);
    console.warn(`[db] unreachable: ${String((cause as Error).message ?? cause)}`);
  } else if (!request.signal.aborted) {
    console.error(cause);
  }
};

// A page's data fetched by a client-side navigation: the unexpected error becomes the same thrown 503 the
// loaders' own mapping gives (X-Remix-Catch: the browser's router treats it as a thrown Response).
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  if (response.status !== 500 || !databaseUnreachable.has(request)) return response;
  const unavailable = databaseUnavailable();
  unavailable.headers.set('X-Remix-Catch', 'yes');
  return unavailable;
};

export default async function handleRequest(
  request: Request,
  status: number,
  headers: Headers,
  remixContext: EntryContext,
) {
  const bot = isbot(request.headers.get('user-agent') ?? '');
  if (status === 500 && databaseUnreachable.has(request)) status = 503;
  // A fresh nonce per page: Remix's inline scripts carry it, no other inline script may run.
  const nonce = randomBytes(16).toString('base64');
  const lang = await languageOf(request);
  headers.set('Content-Security-Policy', pagePolicy(nonce));
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'same-origin');
  headers.set('X-Frame-Options', 'DENY');
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <DocumentProvider value={{ nonce, lang }}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </DocumentProvider>,
      {
        nonce,
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

// The custom server starts the runtime through the built entry so both share one module graph, and puts
// the non-page headers in front of the Remix handler.
export { startRuntime } from './runtime.server';
export { crossSiteRefusal, unreadableUrl } from './http/request-guard.server';
export { nonPageHeaders } from './http/security-headers.server';
