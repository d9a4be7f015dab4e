// The sixth round's memory check (bench/HISTORY.md): one Express 5 app streaming the 2 MB page
// with injection, 300 requests from 10 keep-alive clients after 20 to warm up, in one process;
// prints the peak RSS, the peak of Buffer memory and the GC pauses (minor and major).
//   node --expose-gc bench/wrap-memory.mjs <a checkout, built> [own|noop]
// `own` puts a `write` of its own on each response before plug-session runs (as compression
// does), `noop` an empty middleware. Run it on two checkouts to compare them.

import http from 'node:http';
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { pipeline } from 'node:stream';

const tree = process.argv[2];
const require = createRequire(`${tree}/bench/package.json`);
const express = require('express');
const { plugSession } = await import(`${tree}/packages/express/dist/index.js`);
const { startEmulator } = await import(`${tree}/packages/emulator/dist/index.js`);
const { streamPage2M } = await import(`${tree}/bench/pages.mjs`);
const emu = await startEmulator({ appAccessToken: 'x' });
const app = express();
if (process.argv[3] === 'own')
  app.use((_req, res, next) => {
    // As compression does: a wrapper of the response's own, in front of the method it found.
    const found = res.write;
    res.write = (...args) => found.apply(res, args);
    next();
  });
if (process.argv[3] === 'noop')
  app.use((_req, _res, next) => {
    next();
  });
app.use(
  plugSession({
    appAccessToken: 'x',
    endpoint: emu.endpoint,
    appId: 'a',
    injectScript: { scriptSrc: emu.scriptSrc },
    resolveUser: (req) => ({ user_ref: String(req.headers['x-user'] ?? 'u1') }),
  }),
);
app.get('/big', (_req, res) => {
  res.type('html');
  pipeline(streamPage2M(), res, () => undefined);
});
const server = http.createServer(app).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = server.address().port;
const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
const get = (i) =>
  new Promise((resolve, reject) =>
    http
      .get(
        { port, host: '127.0.0.1', path: '/big', agent, headers: { 'x-user': `u${i % 10}` } },
        (res) => {
          let n = 0;
          res.on('data', (c) => {
            n += c.length;
          });
          res.on('end', () => resolve(n));
        },
      )
      .on('error', reject),
  );
for (let i = 0; i < 20; i++) await get(i);
globalThis.gc?.();
let gcMs = 0,
  gcs = { minor: 0, major: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    if (e.detail?.kind === 1) gcs.minor++;
    else gcs.major++;
  }
}).observe({ entryTypes: ['gc'] });
const base = process.memoryUsage();
let peak = 0,
  peakExt = 0,
  peakHeap = 0;
const t = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakExt = Math.max(peakExt, m.external + m.arrayBuffers);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 10);
let next = 0;
const N = 300;
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (next < N) await get(next++);
  }),
);
clearInterval(t);
const MB = (x) => (x / 1e6).toFixed(1);
console.log(
  tree,
  `rss ${MB(base.rss)} -> peak ${MB(peak)}; heapUsed peak ${MB(peakHeap)}; ext+ab peak ${MB(peakExt)}; gc ${gcMs.toFixed(0)} ms minor ${gcs.minor} major ${gcs.major}`,
);
agent.destroy();
server.close();
await emu.close();
process.exit(0);
