import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { addedResources, lastJsonLine, runModule, TIMER_TRACKER } from '@plug-session/conformance';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AAT, APP_ID } from './support.js';

// Issue 16 and STYLE.md: no module-level timers, nothing started at import time. Run in a
// child process on the BUILT package, so that nothing of the test runner's is counted.

const here = fileURLToPath(new URL('..', import.meta.url));
const adapter = pathToFileURL(join(here, 'dist', 'index.js')).href;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
});

/** Lets whatever was scheduled start (or end) before resources are counted. */
const SETTLE = `const settle = () => new Promise((resolve) => setTimeout(resolve, 100));`;

interface Created {
  before: string[];
  after: string[];
  timers: string[];
}

interface Served {
  injected: boolean[];
  timers: string[];
}

describe.each(['express4', 'express5'])('%s', (framework) => {
  test('importing the built adapter and creating its middleware starts no timer or handle, and the process still exits on its own', async () => {
    const code = `${TIMER_TRACKER}
${SETTLE}
const { default: express } = await import(${JSON.stringify(framework)});
const app = express();
await settle();
const before = process.getActiveResourcesInfo();
const { plugSession } = await import(${JSON.stringify(adapter)});
app.use(plugSession({
  appAccessToken: 'aat-no-timers',
  endpoint: 'http://127.0.0.1:9/internal/auth-tokens.create',
  appId: 'app-no-timers',
  injectScript: true,
  tokenRoute: '/plug/session',
  resolveUser: () => null,
}));
await settle();
const after = process.getActiveResourcesInfo();
console.log(JSON.stringify({ before, after, timers: globalThis.pendingPlugSessionTimers() }));
`;
    const result = await runModule(code, { cwd: here, timeoutMs: 10_000 });
    expect(result.timedOut, 'the process exits on its own, without close()').toBe(false);
    expect(result.signal).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const { before, after, timers } = lastJsonLine<Created>(result);
    expect(addedResources(before, after), 'resources started').toEqual([]);
    expect(timers, 'timers of plug-session still pending').toEqual([]);
  });

  test('serving injected pages leaves no timer of plug-session pending once the server is closed', async () => {
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
const { default: express } = await import(${JSON.stringify(framework)});
const { plugSession } = await import(${JSON.stringify(adapter)});
const middleware = plugSession({
  appAccessToken: config.appAccessToken,
  endpoint: config.endpoint,
  appId: config.appId,
  injectScript: { scriptSrc: config.scriptSrc },
  resolveUser: (req) => (req.headers['x-user'] ? { user_ref: req.headers['x-user'] } : null),
});
const app = express();
app.use(middleware);
app.get('/page', (_req, res) => {
  res.type('html').send('<!doctype html><html><body><h1>Hi</h1></body></html>');
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const get = (headers) =>
  new Promise((resolve, reject) => {
    const { port } = server.address();
    http
      .get({ host: '127.0.0.1', port, path: '/page', headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (text) => (body += text));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
const bodies = [await get({ 'x-user': 'alice' }), await get({})];
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await middleware.close?.();
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
