import { TIMER_TRACKER } from './child-process.js';

// The child side of the no-timers tests: module code put around a framework's own snippet.
// It runs in a fresh Node process on the BUILT adapter, so that nothing of the test runner's
// (its timers, its handles, the sources it transpiles) is counted.

/** What `getActiveResourcesInfo()` named before and after one step of the child. */
export interface Resources {
  before: string[];
  after: string[];
}

/** What a child of {@link creatingChild} prints. */
export interface Created {
  /** Around importing the adapter and mounting it on an app. */
  plugged: Resources;
  /** Around the same app without plug-session, when the framework starts handles of its own. */
  bare?: Resources;
  /** Timers that plug-session started and that are still pending. */
  timers: string[];
}

/** What a child of {@link servingChild} prints. */
export interface Served {
  /** For the identified and the anonymous request: whether the page loads plug.js. */
  injected: boolean[];
  timers: string[];
}

/** Options that reach nothing: creating a middleware must not call out. */
const OFFLINE = {
  appAccessToken: 'aat-no-timers',
  endpoint: 'http://127.0.0.1:9/internal/auth-tokens.create',
  appId: 'app-no-timers',
  injectScript: true,
  tokenRoute: '/plug/session',
};

/** What a served route answers. */
const PAGE = '<!doctype html><html><body><h1>Hi</h1></body></html>';

/** Defined in every child: `settle`, `around` and `report`. */
const COMMON = `${TIMER_TRACKER}
/** Lets whatever was scheduled start (or end) before resources are counted. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
/** The resources before and after \`step\`, each counted once things settled. */
const around = async (step) => {
  await settle();
  const before = process.getActiveResourcesInfo();
  await step();
  await settle();
  return { before, after: process.getActiveResourcesInfo() };
};
/** Prints what the parent reads: \`found\` and the timers of plug-session still pending. */
const report = (found) =>
  console.log(JSON.stringify({ ...found, timers: globalThis.pendingPlugSessionTimers() }));
`;

/**
 * A child that imports the adapter and mounts it with offline `options`. `snippet` runs the
 * framework's part; it must call `report({ plugged, bare? })`, each from `around(step)`.
 */
export function creatingChild(adapterUrl: string, snippet: string): string {
  return `${COMMON}
const adapterUrl = ${JSON.stringify(adapterUrl)};
const options = { ...${JSON.stringify(OFFLINE)}, resolveUser: () => null };
${snippet}`;
}

/** Where a served child finds plug.js and DevRev: the emulator of the parent. */
export interface ServingConfig {
  appAccessToken: string;
  endpoint: string;
  appId: string;
  scriptSrc: string;
}

/**
 * A child that serves `page` at `/page` with the adapter mounted, once to `x-user: alice` and
 * once anonymously (against the parent's emulator), then closes everything, reports, and must
 * then exit on its own: it never calls `process.exit()`. `plugSession` and `options` are
 * defined; `snippet` adds a resolveUser reading `x-user`, builds and starts the app, and ends
 * with `await servePages(url, close)`, or `await serveNodeServer(app.listen(0, '127.0.0.1'),
 * middleware)` for a Node server and a middleware with `close()`.
 */
export function servingChild(adapterUrl: string, config: ServingConfig, snippet: string): string {
  const { scriptSrc, ...rest } = config;
  return `${COMMON}
const http = await import('node:http');
const { plugSession } = await import(${JSON.stringify(adapterUrl)});
const options = ${JSON.stringify({ ...rest, injectScript: { scriptSrc } })};
const page = ${JSON.stringify(PAGE)};
/** Two requests for /page on fresh connections, then \`close()\` and the report. */
const servePages = async (url, close) => {
  const get = (headers) =>
    new Promise((resolve, reject) => {
      http
        .get(url + '/page', { headers, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (text) => (body += text));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
  const bodies = [await get({ 'x-user': 'alice' }), await get({})];
  await close();
  await settle();
  report({ injected: bodies.map((body) => body.includes(options.injectScript.scriptSrc)) });
  // No process.exit(): once closed, nothing of plug-session may keep the process alive.
};
/** servePages on a Node server being started; closing it also closes the middleware. */
const serveNodeServer = async (server, middleware) => {
  await new Promise((resolve) => server.once('listening', resolve));
  await servePages('http://127.0.0.1:' + server.address().port, async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await middleware.close?.();
  });
};
${snippet}`;
}
