import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createPlugSession, handleNodeRequest, type RevInfo } from '@plug-session/core';
import { build } from 'esbuild';
import { cspDirectives } from '../../../../examples/shared/csp.js';

export const AAT = 'browser-test-aat-not-a-real-secret';
export const APP_ID = 'browser-test-app';

/** Who can sign in: three valid users, and one whose rev_info core refuses (a 503). */
const USERS: Record<string, RevInfo> = {
  alice: { user_ref: 'alice', user_traits: { display_name: 'Alice Martin' } },
  bob: { user_ref: 'bob', account_ref: 'acme', user_traits: { display_name: 'Bob Okafor' } },
  chen: { user_ref: 'chen', account_ref: 'globex', workspace_ref: 'globex-research' },
  dana: { user_ref: 'dana', user_traits: { phone_numbers: ['0123'] } },
};

/** How the page loads plug.js itself, before connectPlug runs. */
export type PagePlugScript = 'none' | 'sync' | 'async' | 'initialised';

/** Which Content-Security-Policy the page gets. */
export type PageCsp = 'examples' | 'nonce-only';

/** What the token route does instead of answering through plug-session. */
export type RouteOverride = 'reset' | 'html' | undefined;

export interface TestApp {
  readonly url: string;
  /** The page's URL for a plug.js variant and a CSP. */
  pageUrl(plugScript?: PagePlugScript, csp?: PageCsp): string;
  /** Token route requests: how many arrived, and the most that were in flight at once. */
  readonly route: { readonly calls: number; readonly maxInFlight: number };
  /** Resolves once the `count`-th token route request has arrived. */
  routeCallArrived(count: number): Promise<void>;
  /** Holds token route requests until the returned function is called. */
  holdRoute(): () => void;
  /** Starts the counts of `route` again, for the next test. */
  resetCounts(): void;
  overrideRoute(override: RouteOverride): void;
  close(): Promise<void>;
}

const cookieUser = (req: IncomingMessage) =>
  /(?:^|;\s*)user=([a-z]+)/.exec(req.headers.cookie ?? '')?.[1];

/** The examples' CSP directives (helmet's camelCase form) as a header value. */
function policy(directives: Record<string, readonly string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) =>
      [name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), ...values].join(' '),
    )
    .join('; ');
}

function page(nonce: string, plugScript: PagePlugScript, scriptSrc: string): string {
  const tag = (attributes: string, body = '') =>
    `<script nonce="${nonce}"${attributes}>${body}</script>`;
  const plug = {
    none: '',
    sync: tag(` src="${scriptSrc}"`),
    async: tag(` async src="${scriptSrc}"`),
    // As plug-session's injected snippet leaves a page: plug.js, then an anonymous init.
    initialised: `${tag(` src="${scriptSrc}"`)}${tag('', `window.plugSDK.init({"app_id":"${APP_ID}"})`)}`,
  }[plugScript];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>connectPlug</title>
${tag(' type="importmap"', '{"imports":{"@plug-session/browser":"/connect-plug.js"}}')}
${tag(' type="module" src="/harness.js"')}
</head><body><h1>A single-page app</h1>${plug}</body></html>`;
}

/** connectPlug from the TypeScript sources, bundled as the browser gets the built file. */
async function bundleSources(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
  });
  return result.outputFiles[0]!.text;
}

const HARNESS = `import { connectPlug } from '@plug-session/browser';
window.connectPlug = connectPlug;`;

/**
 * A single-page app's server on 127.0.0.1:0: plug-session's token route (core's engine, the
 * emulator as DevRev), a cookie sign-in, and the page under the examples' nonce CSP.
 */
export async function startTestApp(emulator: {
  endpoint: string;
  scriptSrc: string;
  url: string;
}): Promise<TestApp> {
  const bundle = await bundleSources();
  const engine = createPlugSession<IncomingMessage>({
    appAccessToken: AAT,
    appId: APP_ID,
    endpoint: emulator.endpoint,
    tokenRoute: '/plug/session',
    resolveUser: (req) => USERS[cookieUser(req) ?? ''] ?? null,
    onError: () => {},
  });
  const route = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const arrivals: Array<{ count: number; resolve: () => void }> = [];
  let gate: Promise<void> | undefined;
  let override: RouteOverride;

  async function tokenRoute(req: IncomingMessage, res: ServerResponse) {
    route.calls += 1;
    route.inFlight += 1;
    route.maxInFlight = Math.max(route.maxInFlight, route.inFlight);
    res.once('close', () => {
      route.inFlight -= 1;
    });
    for (const arrival of arrivals.filter((a) => a.count <= route.calls)) arrival.resolve();
    await gate;
    if (override === 'reset') return req.socket.destroy();
    if (override === 'html') {
      // What a single-page app's history fallback answers when the middleware is not mounted.
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end('<!doctype html><html><body>index.html</body></html>');
    }
    await handleNodeRequest(engine, req, res);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string) => {
      res.setHeader('content-type', type);
      res.end(body);
    };
    if (url.pathname === '/plug/session') return void tokenRoute(req, res);
    if (url.pathname === '/connect-plug.js') return send('text/javascript', bundle);
    if (url.pathname === '/harness.js') return send('text/javascript', HARNESS);
    if (req.method === 'POST' && url.pathname === '/signin') {
      res.setHeader(
        'set-cookie',
        `user=${url.searchParams.get('user')}; Path=/; HttpOnly; SameSite=Lax`,
      );
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/signout') {
      res.setHeader('set-cookie', 'user=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
      return res.end();
    }
    if (url.pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      // Helmet's per-request nonce functions are plain strings here: one page, one nonce.
      const directives = cspDirectives({
        plugHosts: [emulator.url],
        scriptNonce: [`'nonce-${nonce}'`],
      }) as Record<string, readonly string[]>;
      const csp =
        url.searchParams.get('csp') === 'nonce-only'
          ? { ...directives, scriptSrc: [`'nonce-${nonce}'`] }
          : directives;
      res.setHeader('content-security-policy', policy(csp));
      const plugScript = (url.searchParams.get('plug') ?? 'none') as PagePlugScript;
      return send('text/html; charset=utf-8', page(nonce, plugScript, emulator.scriptSrc));
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  const url = `http://127.0.0.1:${address.port}`;

  return {
    url,
    pageUrl: (plugScript = 'none', csp = 'examples') => `${url}/?plug=${plugScript}&csp=${csp}`,
    route,
    routeCallArrived: (count) =>
      new Promise((resolve) => {
        if (route.calls >= count) resolve();
        else arrivals.push({ count, resolve });
      }),
    holdRoute() {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
    resetCounts() {
      route.calls = 0;
      route.maxInFlight = route.inFlight;
      override = undefined;
    },
    overrideRoute(next) {
      override = next;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}
