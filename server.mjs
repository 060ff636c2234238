// Production and development server: Express + the Remix build + the app runtime (database, jobs).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { createRequestHandler } from '@remix-run/express';

const port = Number(process.env.PORT ?? 3000);
const buildPath = path.resolve('build/index.js');
const build = await import(pathToFileURL(buildPath).href);

const runtime = await build.entry.module.startRuntime({
  demo: process.env.DEMO !== '0',
  demoAppeals: Number(process.env.DEMO_APPEALS ?? 300),
});

const app = express();
app.disable('x-powered-by');
// The peer address and TLS flag go to the app, which decides what forwarded headers to believe (app/http/client.server.ts).
const remix = createRequestHandler({
  build,
  getLoadContext: (req) => ({ runtime, peer: req.socket.remoteAddress, peerSecure: Boolean(req.socket.encrypted) }),
});

// Every response the app itself makes that is not a page (downloads, exports, JSON) is sent nosniff and sandboxed.
const { nonPageHeaders } = build.entry.module;

// The screen pop (fetched while the phone rings) and a department's worklist have latency targets (docs/BENCHMARKS.md),
// and a load balancer asks /healthz and /readyz often: they go straight to Remix (same handler, same session check
// where there is one), ahead of the static-file middleware, which would otherwise stat a file under public/ on every
// call. GET/HEAD only, which the CSRF check below lets through anyway.
app.get(['/telephony/screenpop', '/worklist', '/healthz', '/readyz'], nonPageHeaders, remix);

// CSRF: session cookies are SameSite=Lax, and a state-changing request must come from our own origin.
app.use((req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const origin = req.get('origin');
  if (origin && new URL(origin).host !== req.get('host')) return res.status(403).send('cross-site request refused');
  next();
});
app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }));
app.use(express.static('public', { maxAge: '1h' }));
app.all('*', nonPageHeaders, remix);

const server = app.listen(port, () => console.log(`[http] 12345 hotline ready at http://localhost:${port}`));

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[http] ${signal}: closing`);
  server.close();
  server.closeAllConnections?.();
  try {
    await runtime.stop();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
