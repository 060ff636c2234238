import type { Runtime } from './runtime.server';

declare module '@remix-run/node' {
  interface AppLoadContext {
    runtime: Runtime;
    /** The TCP peer's address (the client, or the proxy in front of us); unset outside the HTTP server. */
    peer?: string;
    /** Whether the connection to us is TLS. */
    peerSecure?: boolean;
  }
}
export {};
