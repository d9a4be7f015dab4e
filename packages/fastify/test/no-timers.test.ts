import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { addedResources, lastJsonLine, runModule, TIMER_TRACKER } from '@plug-session/conformance';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 16 and STYLE.md: no module-level timers, nothing started at import time. Run in a
// child process on the BUILT package, so that nothing of the test runner's is counted.

const here = fileURLToPath(new URL('..', import.meta.url));
const adapter = pathToFileURL(join(here, 'dist', 'index.js')).href;

const AAT = 'aat-fastify-no-timers';
const APP_ID = 'app-fastify-no-timers';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
});

/** Lets whatever was scheduled start (or end) before resources are counted. */
const SETTLE = `const settle = () => new Promise((resolve) => setTimeout(resolve, 100));`;

interface Registered {
  start: string[];
  /** Once a bare Fastify app (one route) is ready. */
  afterBare: string[];
  /** Once the same app with the plugin registered is ready too. */
  afterPlugged: string[];
  timers: string[];
}

interface Served {
  injected: boolean[];
  timers: string[];
}

describe('fastify5', () => {
  it('importing the built plugin and registering it starts no timer or handle beyond what a bare Fastify app starts, and the process still exits on its own', async () => {
    const code = `${TIMER_TRACKER}
${SETTLE}
const { default: Fastify } = await import('fastify');
await settle();
const start = process.getActiveResourcesInfo();
const bare = Fastify();
bare.get('/page', async () => 'page');
await bare.ready();
await settle();
const afterBare = process.getActiveResourcesInfo();
const { plugSession } = await import(${JSON.stringify(adapter)});
const app = Fastify();
await app.register(plugSession, {
  appAccessToken: 'aat-no-timers',
  endpoint: 'http://127.0.0.1:9/internal/auth-tokens.create',
  appId: 'app-no-timers',
  injectScript: true,
  tokenRoute: '/plug/session',
  resolveUser: () => null,
});
app.get('/page', async () => 'page');
await app.ready();
await settle();
const afterPlugged = process.getActiveResourcesInfo();
console.log(JSON.stringify({
  start,
  afterBare,
  afterPlugged,
  timers: globalThis.pendingPlugSessionTimers(),
}));
`;
    const result = await runModule(code, { cwd: here, timeoutMs: 10_000 });
    expect(result.timedOut, 'the process exits on its own, without close()').toBe(false);
    expect(result.signal).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const { start, afterBare, afterPlugged, timers } = lastJsonLine<Registered>(result);
    const bare = addedResources(start, afterBare);
    const plugged = addedResources(afterBare, afterPlugged);
    expect(addedResources(bare, plugged), 'resources started beyond a bare app').toEqual([]);
    expect(timers, 'timers of plug-session still pending').toEqual([]);
  });

  it('serving injected pages leaves no timer of plug-session pending once the app is closed', async () => {
    const config = {
      appAccessToken: AAT,
      endpoint: emu.endpoint,
      appId: APP_ID,
      scriptSrc: emu.scriptSrc,
    };
    const code = `${TIMER_TRACKER}
${SETTLE}
const http = await import('node:http');
const config = ${JSON.stringify(config)};
const { default: Fastify } = await import('fastify');
const { plugSession } = await import(${JSON.stringify(adapter)});
const app = Fastify();
await app.register(plugSession, {
  appAccessToken: config.appAccessToken,
  endpoint: config.endpoint,
  appId: config.appId,
  injectScript: { scriptSrc: config.scriptSrc },
  resolveUser: (request) =>
    request.headers['x-user'] ? { user_ref: request.headers['x-user'] } : null,
});
app.get('/page', async (_request, reply) =>
  reply.type('text/html').send('<!doctype html><html><body><h1>Hi</h1></body></html>'),
);
const url = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
const get = (headers) =>
  new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: '/page', headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (text) => (body += text));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
const bodies = [await get({ 'x-user': 'alice' }), await get({})];
await app.close();
await settle();
const injected = bodies.map((body) => body.includes(config.scriptSrc));
console.log(JSON.stringify({ injected, timers: globalThis.pendingPlugSessionTimers() }));
process.exit(0);
`;
    const result = await runModule(code, { cwd: here, timeoutMs: 10_000 });
    expect(result.status, result.stderr).toBe(0);
    const { injected, timers } = lastJsonLine<Served>(result);
    expect(injected, 'both pages were injected').toEqual([true, true]);
    expect(timers, 'timers of plug-session still pending').toEqual([]);
  });
});
