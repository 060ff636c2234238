import type { AppLoadContext } from '@remix-run/node';
import { BlockList, isIP } from 'node:net';

/** Where a request came from, as far as this server can tell: for the security audit, throttling and cookies. */
export interface RequestClient {
  /** The client's address: the peer, or behind a trusted proxy the last address it added to X-Forwarded-For. */
  ip: string | null;
  userAgent: string | null;
  /** Whether the browser reached us over HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy). */
  secure: boolean;
}

let trusted: BlockList | null = null;
/** TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the reverse proxies in front of the app. */
function trustedProxies(): BlockList {
  if (trusted) return trusted;
  trusted = new BlockList();
  for (const entry of (process.env.TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim())) {
    if (!entry) continue;
    const [address, bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null;
    if (!family) throw new Error(`TRUSTED_PROXIES: ${entry} is not an address or CIDR range`);
    if (bits === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(bits), family);
  }
  return trusted;
}

/** For tests: read TRUSTED_PROXIES again. */
export function resetTrustedProxies() {
  trusted = null;
}

function plain(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Whether a peer address is one of TRUSTED_PROXIES, whose X-Forwarded-* headers may be believed. */
export function isTrusted(address: string): boolean {
  const a = plain(address);
  const family = isIP(a) === 6 ? 'ipv6' : isIP(a) === 4 ? 'ipv4' : null;
  return family !== null && trustedProxies().check(a, family);
}

/**
 * The client of a request. The peer address comes from the server (context.peer); forwarded headers are
 * believed only when the peer is a trusted proxy, and then X-Forwarded-For is read from the right, skipping
 * trusted hops, so a client cannot choose its own address by sending the header itself.
 */
export function clientOf(request: Request, context: AppLoadContext): RequestClient {
  const peer = context.peer ? plain(context.peer) : null;
  const userAgent = request.headers.get('user-agent')?.slice(0, 255) ?? null;
  let ip = peer;
  let secure = new URL(request.url).protocol === 'https:' && !peer;
  if (peer && isTrusted(peer)) {
    const hops = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    while (hops.length && isTrusted(hops[hops.length - 1])) hops.pop();
    if (hops.length) ip = plain(hops[hops.length - 1]);
    secure = (request.headers.get('x-forwarded-proto') ?? '').split(',')[0].trim() === 'https';
  } else if (peer) {
    secure = context.peerSecure === true;
  }
  return { ip: ip?.slice(0, 64) ?? null, userAgent, secure };
}
