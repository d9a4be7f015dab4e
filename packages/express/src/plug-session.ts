import {
  createPlugSession,
  handleNodeRequest,
  type NodeRequestOutcome,
  type PlugSessionOptions,
} from '@plug-session/core/node';
import type { Request, RequestHandler } from 'express';

/** The options of {@link plugSession}: core's options with Express's `Request`. */
export type PlugSessionExpressOptions = PlugSessionOptions<Request>;

/** The middleware function, with `close()` to let go of the HTTP client and the store. */
export type PlugSessionMiddleware = RequestHandler & { close(): Promise<void> };

/**
 * Express middleware (Express 4.17+ and 5) that identifies the logged-in user to DevRev PLuG:
 * it sets `req.plugSessionToken` before the route runs, answers `GET` on `tokenRoute`, and with
 * `injectScript` adds the PLuG snippet to HTML responses. Invalid options throw here, naming
 * the option. At request time it never fails a request: failures go to `onError`.
 *
 * `tokenRoute` is matched against `req.originalUrl`'s path, so it is the full path the browser
 * asks for, also when the middleware is mounted under a prefix (`app.use('/app', …)`).
 *
 * @example
 * app.use(session(...));
 * app.use(plugSession({
 *   appAccessToken: process.env.DEVREV_AAT!,
 *   appId: process.env.PLUG_APP_ID,
 *   injectScript: true,
 *   resolveUser: (req) => (req.user ? { user_ref: req.user.id } : null),
 * }));
 */
export function plugSession(options: PlugSessionExpressOptions): PlugSessionMiddleware {
  // Without an onError, warnings go to the app's logger when pino-http has set `req.log`.
  const engine = createPlugSession<Request>(options, { logger: (req) => Reflect.get(req, 'log') });

  function plugSessionMiddleware(...[req, res, next]: Parameters<RequestHandler>): void {
    const proceed = (outcome: NodeRequestOutcome): void => {
      if (outcome.kind === 'answered') return;
      // Set on every request, so that a value an earlier middleware put there never survives.
      req.plugSessionToken = outcome.token;
      next();
    };
    const outcome = handleNodeRequest(engine, req, res, { url: req.originalUrl });
    // A cached token is there at once: the request goes on in the same tick.
    if (outcome instanceof Promise) void outcome.then(proceed);
    else proceed(outcome);
  }
  return Object.assign(plugSessionMiddleware, { close: () => engine.close() });
}
