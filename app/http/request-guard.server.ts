import { isTrusted } from './client.server';
import { cleanText, NOT_UTF8, percentBytes, utf8 } from './text.server';

// Checks the server (server.mjs) runs on every request before Remix: they need only the request line and headers,
// and in front of Remix they cover every route at once, loaders and resource routes included.

/** What the checks read of a request, as the HTTP server has it. */
export interface RequestHead {
  method: string;
  header(name: string): string | undefined;
  /** The peer's address and whether it reached us over TLS, for what forwarded headers to believe. */
  peer?: string;
  peerSecure?: boolean;
  /** The path without the query. */
  path?: string;
}

/**
 * The interfaces other systems call (Open311, inbound events, subscriptions): they answer only to a client's key or
 * signature, never to a session cookie, so a cross-site request gains nothing there and their callers, servers,
 * send no Origin.
 */
export const INTERFACE_PATH = /^\/(open311|api)\//;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * This site as the browser sees it: PUBLIC_ORIGIN when set, else the request's own host (behind a trusted proxy,
 * its X-Forwarded-Host and -Proto). `scheme` is null when it cannot be known (a TLS proxy we were not told about).
 */
function ownOrigin(head: RequestHead): { host: string; scheme: string | null } | null {
  if (process.env.PUBLIC_ORIGIN) {
    const url = new URL(process.env.PUBLIC_ORIGIN);
    return { host: url.host, scheme: url.protocol };
  }
  const first = (name: string) => head.header(name)?.split(',')[0].trim() || undefined;
  if (head.peer && isTrusted(head.peer)) {
    const proto = first('x-forwarded-proto');
    return {
      host: (first('x-forwarded-host') ?? head.header('host') ?? '').toLowerCase(),
      scheme: proto ? `${proto}:` : null,
    };
  }
  const host = head.header('host')?.toLowerCase();
  if (!host) return null;
  return { host, scheme: head.peerSecure ? 'https:' : null };
}

/**
 * Why a state-changing request is refused as cross-site, or null to let it through. It must name where it comes
 * from, Origin or else Referer, and that must be this site: a request naming neither could come from anywhere
 * (a privacy-stripped form post), and `Origin: null` is what sandboxed and file pages send.
 */
export function crossSiteRefusal(head: RequestHead): string | null {
  if (SAFE_METHODS.has(head.method.toUpperCase())) return null;
  if (head.path && INTERFACE_PATH.test(head.path)) return null;
  // Machine calls (Kamailio's events, with a bearer token and no cookie) send neither header. A page of another
  // site cannot send an Authorization header without a CORS preflight, which this server never grants, and with
  // no cookie there is no session to ride on; the endpoint checks the token itself.
  if (/^Bearer\s/i.test(head.header('authorization') ?? '') && !head.header('cookie')) return null;
  const claimed = head.header('origin') ?? head.header('referer');
  if (!claimed) return '跨站请求已拒绝：请求未说明来源（Origin/Referer）';
  let from: URL;
  try {
    from = new URL(claimed);
  } catch {
    return '跨站请求已拒绝：无法识别的来源';
  }
  const own = ownOrigin(head);
  if (!own || from.origin === 'null' || from.host.toLowerCase() !== own.host) return '跨站请求已拒绝';
  if (own.scheme && from.protocol !== own.scheme) return '跨站请求已拒绝';
  return null;
}

/**
 * Why a request's path or query cannot be read as text (bytes that are not UTF-8, control characters), or null.
 * Refused here with a 400 rather than passed on to a loader, which would hand them to the database.
 */
export function unreadableUrl(rawUrl: string): string | null {
  const bytes = Buffer.from(rawUrl, 'latin1');
  const q = bytes.indexOf(0x3f);
  const parts: Uint8Array[] = [percentBytes(q < 0 ? bytes : bytes.subarray(0, q), { plusIsSpace: false })];
  if (q >= 0) {
    const query = bytes.subarray(q + 1);
    let start = 0;
    for (let i = 0; i <= query.length; i++) {
      if (i < query.length && query[i] !== 0x26 && query[i] !== 0x3d) continue;
      parts.push(percentBytes(query.subarray(start, i), { plusIsSpace: true }));
      start = i + 1;
    }
  }
  for (const part of parts) {
    const text = utf8(part);
    if (text === null) return `请求地址${NOT_UTF8}`;
    const clean = cleanText(text);
    if (!clean.ok) return `请求地址${clean.problem}`;
  }
  return null;
}
