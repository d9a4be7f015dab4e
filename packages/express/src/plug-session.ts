import {
  createPlugSession,
  handleNodeRequest,
  type NodeRequestOutcome,
  type PlugSessionOptions,
  SKIPPED,
  setRequestToken,
  tokenOf,
} from '@plug-session/core';
import type { Request, RequestHandler } from 'express';

/** The options of {@link plugSession}: core's options with Express's `Request`. */
export type PlugSessionExpressOptions = PlugSessionOptions<Request>;

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
export function plugSession(options: PlugSessionExpressOptions): RequestHandler {
  const engine = createPlugSession<Request>(options);

  return function plugSessionMiddleware(req, res, next) {
    // Whatever an earlier middleware put here is never trusted or echoed.
    setRequestToken(req, undefined);
    const proceed = (outcome: NodeRequestOutcome): void => {
      if (outcome === 'answered') return;
      setRequestToken(req, tokenOf(outcome));
      next();
    };
    let outcome: NodeRequestOutcome | Promise<NodeRequestOutcome>;
    try {
      outcome = handleNodeRequest(engine, req, res, { url: req.originalUrl });
    } catch {
      // The engine does not throw; should it ever, the request still goes on, without a token.
      outcome = SKIPPED;
    }
    // A cached token is there at once: the request goes on in the same tick.
    if (outcome instanceof Promise) outcome.then(proceed, () => proceed(SKIPPED));
    else proceed(outcome);
  };
}
