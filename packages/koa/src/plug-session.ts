import {
  createPlugSession,
  injectNodeBody,
  nodeHeaders,
  type PlugSessionOptions,
  type RequestOutcome,
  type ResponsePlanner,
} from '@plug-session/core/node';
import type { Context, Middleware, Next } from 'koa';

/** The options of {@link plugSession}: core's options with Koa's `Context` as the request. */
export type PlugSessionKoaOptions = PlugSessionOptions<Context>;

/** The middleware function, with `close()` to let go of the HTTP client and the store. */
export type PlugSessionMiddleware = Middleware & { close(): Promise<void> };

/** After the app has answered: the koajs/compress checks, then the body handed on rewritten. */
function inject(ctx: Context, planResponse: ResponsePlanner): void {
  if (ctx.headerSent || !ctx.writable || ctx.respond === false) return;
  const type = ctx.res.getHeader('content-type');
  // Headers are read on Node's response, where Koa keeps them: Koa's `response.get` copies every
  // header on each call (and answers '' for a missing one, where core wants undefined).
  // A failed stream cannot be completed: Koa 2 (`body.pipe(res)`) and an outer koa-compress
  // (`.pipe()`) would leave the response open, so it is closed here unless Koa answered.
  const body = injectNodeBody(
    ctx.body,
    () => planResponse(ctx.status, nodeHeaders(ctx.res)),
    () => ctx.res.writableEnded || ctx.res.destroy(),
  );
  if (body === undefined) return;
  // Koa sets content-length for a string or a Buffer, drops it for a stream, and guesses the
  // type again when the body changes: the app's type is kept.
  ctx.body = body;
  if (type !== undefined && ctx.res.getHeader('content-type') !== type) {
    ctx.res.setHeader('content-type', type);
  }
}

function carryOut(ctx: Context, next: Next, outcome: RequestOutcome): Promise<unknown> | undefined {
  // Set on every request, so that a value an earlier middleware put there never survives.
  const token = outcome.kind === 'proceed' ? outcome.token : undefined;
  ctx.state.plugSessionToken = ctx.request.plugSessionToken = token;
  if (outcome.kind === 'answer') {
    ({ status: ctx.status, body: ctx.body } = outcome.answer);
    ctx.set(outcome.answer.headers);
    return undefined;
  }
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
  // Without an onError, warnings go to the app's logger when koa-pino-logger has set `ctx.log`.
  const engine = createPlugSession<Context>(options, { logger: (ctx) => Reflect.get(ctx, 'log') });
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
