import { type Readable, Stream } from 'node:stream';
import {
  createPlugSession,
  type HeaderAccess,
  injectNodeStream,
  type PlugSessionOptions,
  type RequestOutcome,
  type ResponsePlanner,
} from '@plug-session/core';
import type { Context, Middleware, Next } from 'koa';

/** The options of {@link plugSession}: core's options with Koa's `Context` as the request. */
export type PlugSessionKoaOptions = PlugSessionOptions<Context>;

/** The middleware function, with `close()` to let go of the HTTP client and the store. */
export type PlugSessionMiddleware = Middleware & { close(): Promise<void> };

// Read from Node's response, where Koa keeps them: Koa's `response.get` copies every header
// into a new object on each call (and answers '' for a missing one, where core wants undefined).
function headersOf(ctx: Context): HeaderAccess {
  return {
    get: (name) => ctx.res.getHeader(name),
    set: (name, value) => ctx.response.set(name, value),
    remove: (name) => ctx.response.remove(name),
  };
}

// Koa 2 takes any `Stream` as a streamed body; injection needs one it can read from.
function isReadable(body: unknown): body is Readable {
  return body instanceof Stream && typeof (body as Partial<Readable>).pipe === 'function';
}

/** After the app has answered: the koajs/compress checks, then the body handed on rewritten. */
function inject(ctx: Context, planResponse: ResponsePlanner): void {
  if (ctx.headerSent || !ctx.writable || ctx.respond === false) return;
  const body: unknown = ctx.body;
  const whole = typeof body === 'string' || Buffer.isBuffer(body);
  if (!whole && !isReadable(body)) return; // JSON objects, null, Web streams: untouched
  const plan = planResponse(ctx.status, headersOf(ctx));
  if (!plan) return;
  if (whole) {
    const type = ctx.res.getHeader('content-type');
    const injected = plan.injectBody(body);
    if (injected === undefined) return;
    ctx.body = injected; // Koa sets content-length for a string or a Buffer itself
    if (type !== undefined && ctx.res.getHeader('content-type') !== type) {
      ctx.res.setHeader('content-type', type);
    }
    return;
  }
  // A failed body cannot be completed: Koa 2 (`body.pipe(res)`) and an outer koa-compress
  // (`.pipe()`) would leave the response open, so it is closed here unless Koa answered.
  ctx.body = injectNodeStream(plan, body, () => {
    if (!ctx.res.writableEnded) ctx.res.destroy();
  }); // Koa drops content-length when a stream replaces a body
}

function carryOut(ctx: Context, next: Next, outcome: RequestOutcome): Promise<unknown> | undefined {
  if (outcome.kind === 'answer') {
    ctx.state.plugSessionToken = ctx.request.plugSessionToken = undefined;
    ctx.status = outcome.answer.status;
    ctx.set(outcome.answer.headers);
    ctx.body = outcome.answer.body;
    return undefined;
  }
  // Set on every request, so that a value an earlier middleware put there never survives.
  ctx.state.plugSessionToken = ctx.request.plugSessionToken = outcome.token;
  const { planResponse } = outcome;
  return planResponse ? next().then(() => inject(ctx, planResponse)) : next();
}

/**
 * Koa middleware (Koa 2 and 3) that identifies the logged-in user to DevRev PLuG: puts
 * their session token on `ctx.state.plugSessionToken` and `ctx.request.plugSessionToken`,
 * answers the token route, and injects the PLuG snippet into HTML pages. Invalid options
 * throw here, naming the option.
 *
 * @example
 * app.use(plugSession({
 *   appAccessToken: process.env.DEVREV_AAT!,
 *   appId: process.env.PLUG_APP_ID,
 *   injectScript: true,
 *   resolveUser: (ctx) => (ctx.state.user ? { user_ref: ctx.state.user.id } : null),
 * }));
 */
export function plugSession(options: PlugSessionKoaOptions): PlugSessionMiddleware {
  const engine = createPlugSession<Context>(options);
  // Not an async function: with a cached token nothing is awaited, and without injection the
  // rest of the app's promise is handed back as it is.
  function plugSessionMiddleware(ctx: Context, next: Next) {
    const outcome = engine.handle(ctx, { method: ctx.method, path: ctx.path, shared: ctx.req });
    return outcome instanceof Promise
      ? outcome.then((settled) => carryOut(ctx, next, settled))
      : carryOut(ctx, next, outcome);
  }
  return Object.assign(plugSessionMiddleware, { close: () => engine.close() });
}
