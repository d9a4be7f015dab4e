// The one small Hono app that the runtime check runs unchanged on Bun, Deno, workerd (through
// Miniflare) and Node: a page, a streamed page, the token route, and the user from a header.

import { plugSession } from '@plug-session/hono';
import { Hono } from 'hono';
import { TOKEN_ROUTE } from './app-config.mjs';
import { PAGE, pageChunks } from './page.mjs';

/** @typedef {import('./app-config.mjs').RuntimeAppConfig} RuntimeAppConfig */

/** The visitor named by the `x-user` header (a stand-in for a real session), else anonymous. */
function userFromHeader(c) {
  const user = c.req.header('x-user');
  return user ? { user_ref: user, user_traits: { display_name: `User ${user}` } } : null;
}

/** Which runtime answers: Bun, Deno and workerd name themselves in `navigator.userAgent`. */
function runtimeName() {
  const agent = globalThis.navigator?.userAgent;
  if (agent) return agent;
  return `Node.js/${globalThis.process?.version ?? 'unknown'}`;
}

/**
 * The app: `/` (HTML), `/stream` (the same HTML as a stream whose `</body>` is split across
 * chunks), `/runtime` (plain text, never injected) and the token route.
 * @param {RuntimeAppConfig} config
 * @returns {Hono}
 * @example
 * Bun.serve({ port: 0, fetch: createApp(configFrom((name) => Bun.env[name])).fetch });
 */
export function createApp(config) {
  const app = new Hono();
  app.use(
    plugSession({
      appAccessToken: config.appAccessToken,
      endpoint: config.endpoint,
      appId: config.appId,
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      injectScript: { scriptSrc: config.scriptSrc },
      tokenRoute: TOKEN_ROUTE,
      resolveUser: userFromHeader,
    }),
  );
  app.get('/', (c) => c.html(PAGE));
  app.get('/stream', () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      start(controller) {
        for (const chunk of pageChunks()) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  });
  app.get('/runtime', (c) => c.text(runtimeName()));
  return app;
}
