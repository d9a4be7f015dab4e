import {
  answerToResponse,
  createPlugSession,
  injectIntoResponse,
  type PlugSessionOptions,
  type RequestOutcome,
} from '@plug-session/core';
import type { Context, MiddlewareHandler, Next } from 'hono';

/** The options of {@link plugSession}: core's options with Hono's `Context` as the request. */
export type PlugSessionHonoOptions = PlugSessionOptions<Context>;

/** The middleware function, with `close()` to let go of the HTTP client and the store. */
export type PlugSessionMiddleware = MiddlewareHandler & { close(): Promise<void> };

type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * The request's `waitUntil` on Cloudflare Workers (`c.executionCtx`), which keeps a token mint
 * alive after the response is sent: a Worker otherwise ends it with the request, and the token
 * refreshed ahead is lost. Looked up once, and only when a mint needs it, because Hono's getter
 * throws where there is no execution context (Node, Bun, Deno), where work outlives its request
 * anyway.
 */
function waitUntilOf(c: Context): WaitUntil {
  let found: WaitUntil | null | undefined;
  return (promise) => {
    if (found === undefined) {
      try {
        const ctx = c.executionCtx;
        found = typeof ctx.waitUntil === 'function' ? ctx.waitUntil.bind(ctx) : null;
      } catch {
        found = null;
      }
    }
    found?.(promise);
  };
}

async function carryOut(c: Context, next: Next, outcome: RequestOutcome) {
  if (outcome.kind === 'answer') return answerToResponse(outcome.answer);
  // Set on every request, so that a value an earlier middleware put there never survives.
  c.set('plugSessionToken', outcome.token);
  await next();
  if (outcome.planResponse === undefined) return;
  const injected = await injectIntoResponse(c.res, outcome.planResponse);
  if (injected === c.res) return;
  // Hono's `c.res` setter copies the old response's headers onto a new one (the content-length,
  // etag and cache-control the plan rewrote among them) unless `c.res` is cleared first.
  c.res = undefined;
  c.res = injected;
}

/**
 * Hono 4 middleware that identifies the logged-in user to DevRev PLuG: it sets
 * `c.var.plugSessionToken` before the route runs, answers `GET` on `tokenRoute`, and with
 * `injectScript` adds the PLuG snippet to HTML responses. Invalid options throw here, naming
 * the option. At request time it never fails a request: failures go to `onError`.
 *
 * Web-standard `Request`/`Response` only, so it runs wherever Hono runs (Node through
 * `@hono/node-server`, Bun, Deno, Cloudflare Workers). `tokenRoute` is matched against
 * `c.req.path`, the full path the browser asks for, also in a sub-app under `app.route`.
 *
 * @example
 * app.use(plugSession({
 *   appAccessToken: process.env.DEVREV_AAT!,
 *   appId: process.env.PLUG_APP_ID,
 *   injectScript: true,
 *   resolveUser: (c) => (c.get('user') ? { user_ref: c.get('user').id } : null),
 * }));
 */
export function plugSession(options: PlugSessionHonoOptions): PlugSessionMiddleware {
  // Without an onError, warnings go to the app's logger when one (hono-pino) sets `c.var.logger`.
  const engine = createPlugSession<Context>(options, { logger: (c) => c.var.logger });

  async function plugSessionMiddleware(c: Context, next: Next) {
    // The raw Request is the one object every mount sees on this request, sub-apps included.
    const facts = {
      method: c.req.method,
      path: c.req.path,
      shared: c.req.raw,
      waitUntil: waitUntilOf(c),
    };
    return carryOut(c, next, await engine.handle(c, facts));
  }
  return Object.assign(plugSessionMiddleware, { close: () => engine.close() });
}
