import type { IncomingMessage, ServerResponse } from 'node:http';
import { type PlugSession, type Resolution, SKIPPED } from '../engine/engine-types.js';
import { interceptResponse } from './intercept-response.js';

/** What {@link handleNodeRequest} did: answered the token route, or resolved the request. */
export type NodeRequestOutcome = Resolution | 'answered';

/** Options of {@link handleNodeRequest}. */
export interface HandleNodeRequestOptions {
  /**
   * The URL (path and query) matched against `tokenRoute`. Express passes `req.originalUrl`,
   * so that a middleware mounted under a prefix still sees the full path.
   * @default req.url
   */
  url?: string;
}

/** The path of a request target, also for the absolute form a proxy may receive. */
function pathOf(url: string): string {
  if (url.startsWith('/')) return url;
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * Drives the engine for one plain Node request (also an Express one): answers `GET` on the
 * token route (whatever `skip` says) and returns `'answered'`; returns `SKIPPED` for HEAD,
 * OPTIONS and `skip`; otherwise claims the response for injection, resolves the user, wraps
 * the response with {@link interceptResponse} when this engine injects into it, and returns
 * the resolution (`tokenOf(resolution)` is the request's token). Never rejects on a failure
 * to get a token: that goes to `onError` and yields `{ kind: 'failed' }`. Returns at once,
 * without a promise, when the engine resolved the user synchronously (a cached token);
 * `await` takes both.
 *
 * @example
 * const plug = createPlugSession({ appAccessToken, appId, injectScript: true, resolveUser });
 * createServer(async (req, res) => {
 *   const outcome = await handleNodeRequest(plug, req, res);
 *   if (outcome === 'answered') return;
 *   res.setHeader('content-type', 'text/html; charset=utf-8');
 *   res.end('<!doctype html><html><body><h1>Hello</h1></body></html>');
 * }).listen(3000);
 */
export function handleNodeRequest<Req extends IncomingMessage>(
  engine: PlugSession<Req>,
  req: Req,
  res: ServerResponse,
  options: HandleNodeRequestOptions = {},
): NodeRequestOutcome | Promise<NodeRequestOutcome> {
  const method = req.method ?? 'GET';
  if (engine.isTokenRoute(method, pathOf(options.url ?? req.url ?? '/'))) {
    return answerTokenRoute(engine, req, res);
  }
  if (engine.shouldSkip(method, req)) return SKIPPED;
  // The outermost mount claims first, so that a middleware mounted twice injects once.
  const claimed = engine.claimInjection(res);
  const settle = (resolution: Resolution): Resolution => {
    if (claimed) {
      interceptResponse(res, (facts) => engine.planInjection(req, resolution, facts), method);
    }
    return resolution;
  };
  const resolution = engine.resolve(req);
  return resolution instanceof Promise ? resolution.then(settle) : settle(resolution);
}

async function answerTokenRoute<Req extends IncomingMessage>(
  engine: PlugSession<Req>,
  req: Req,
  res: ServerResponse,
): Promise<'answered'> {
  const answer = engine.tokenRouteResponse(await engine.resolve(req));
  if (!res.headersSent) {
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.end(answer.body);
  }
  return 'answered';
}
