import { type Readable, Stream } from 'node:stream';
import {
  createPlugSession,
  type HeaderAccess,
  type PlugSession,
  type PlugSessionOptions,
  type Resolution,
  tokenOf,
} from '@plug-session/core';
import type { Context, Middleware, Next } from 'koa';

/** The options of {@link plugSession}: core's options with Koa's `Context` as the request. */
export type PlugSessionKoaOptions = PlugSessionOptions<Context>;

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
function inject(engine: PlugSession<Context>, ctx: Context, resolution: Resolution): void {
  if (ctx.headerSent || !ctx.writable || ctx.respond === false) return;
  const body: unknown = ctx.body;
  const whole = typeof body === 'string' || Buffer.isBuffer(body);
  if (!whole && !isReadable(body)) return; // JSON objects, null, Web streams: untouched
  const facts = { method: ctx.method, status: ctx.status, headers: headersOf(ctx) };
  const plan = engine.planInjection(ctx, resolution, facts);
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
  // The source's errors reach the transform (Koa's body), and the source is destroyed when
  // Koa destroys the transform because the client went away. A failed body cannot be
  // completed: Koa 2 (`body.pipe(res)`) and an outer koa-compress (`.pipe()`) would leave the
  // response open, so it is closed here unless Koa already answered.
  const transform = plan.injectStream(body, () => {
    if (!ctx.res.writableEnded) ctx.res.destroy();
  });
  ctx.body = transform; // Koa drops content-length when a stream replaces a body
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
export function plugSession(options: PlugSessionKoaOptions): Middleware {
  const engine = createPlugSession<Context>(options);
  const answerTokenRoute = async (ctx: Context): Promise<void> => {
    const answer = engine.tokenRouteResponse(await engine.resolve(ctx));
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.body;
  };
  const proceed = (ctx: Context, next: Next, resolution: Resolution, claimed: boolean) => {
    const token = tokenOf(resolution);
    ctx.state.plugSessionToken = token;
    ctx.request.plugSessionToken = token;
    if (!claimed) return next();
    return next().then(() => inject(engine, ctx, resolution));
  };
  // Not an async function: with a cached token nothing is awaited, and without injection the
  // rest of the app's promise is handed back as it is.
  return function plugSessionMiddleware(ctx, next) {
    // Never trust a value an earlier middleware put there.
    if (ctx.state.plugSessionToken !== undefined) ctx.state.plugSessionToken = undefined;
    if (ctx.request.plugSessionToken !== undefined) ctx.request.plugSessionToken = undefined;
    if (engine.isTokenRoute(ctx.method, ctx.path)) return answerTokenRoute(ctx);
    if (engine.shouldSkip(ctx.method, ctx)) return next();
    // Claimed before the app runs, so that an inner second mount sees the claim.
    const claimed = engine.claimInjection(ctx.res);
    const resolution = engine.resolve(ctx);
    return resolution instanceof Promise
      ? resolution.then((resolved) => proceed(ctx, next, resolved, claimed))
      : proceed(ctx, next, resolution, claimed);
  };
}
