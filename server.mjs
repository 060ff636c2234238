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

// Every request, first: a path or query that is not UTF-8 text (a NUL, bytes that are not UTF-8) is a 400 here,
// before any loader could hand it to the database (app/http/request-guard.server.ts).
// Every response the app itself makes that is not a page (downloads, exports, JSON) is sent nosniff and sandboxed.
const { crossSiteRefusal, unreadableUrl, nonPageHeaders } = build.entry.module;
app.use((req, res, next) => {
  const problem = unreadableUrl(req.originalUrl);
  if (problem) return res.status(400).type('text/plain').send(problem);
  next();
});

// The screen pop (fetched while the phone rings) and a department's worklist have latency targets (docs/BENCHMARKS.md),
// and a load balancer asks /healthz and /readyz often: they go straight to Remix (same handler, same session check
// where there is one), ahead of the static-file middleware, which would otherwise stat a file under public/ on every
// call. GET/HEAD only, which the CSRF check below lets through anyway.
app.get(['/telephony/screenpop', '/worklist', '/healthz', '/readyz'], nonPageHeaders, remix);

// CSRF, first guard: a state-changing request must name this site as its Origin (or Referer). The second guard, the
// session's token in every form, is checked where bodies are read (app/http/body.server.ts).
app.use((req, res, next) => {
  const head = { method: req.method, header: (name) => req.get(name), peer: req.socket.remoteAddress, path: req.path };
  const refusal = crossSiteRefusal({ ...head, peerSecure: Boolean(req.socket.encrypted) });
  if (refusal) return res.status(403).type('text/plain').send(refusal);
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
