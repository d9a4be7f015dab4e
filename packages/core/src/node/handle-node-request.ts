import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlugSession, RequestOutcome } from '../engine/plug-session-types.js';
import { thenOrNow } from '../engine/resolution.js';
import { interceptResponse } from './intercept-response.js';

/** What {@link handleNodeRequest} did: answered the token route, or go on with this token. */
export type NodeRequestOutcome =
  | { kind: 'answered' }
  | { kind: 'proceed'; token: string | undefined };

/** Options of {@link handleNodeRequest}. */
export interface HandleNodeRequestOptions {
  /**
   * The URL (path and query) matched against `tokenRoute`. Express passes `req.originalUrl`,
   * so that a middleware mounted under a prefix still sees the full path.
   * @default req.url
   */
  url?: string;
}

const ANSWERED: NodeRequestOutcome = Object.freeze({ kind: 'answered' });

function carryOut(res: ServerResponse, outcome: RequestOutcome): NodeRequestOutcome {
  if (outcome.kind === 'answer') {
    const { answer } = outcome;
    if (!res.headersSent) {
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.end(answer.body);
    }
    return ANSWERED;
  }
  if (outcome.planResponse) interceptResponse(res, outcome.planResponse);
  return outcome;
}

/**
 * Takes one plain Node request (also an Express one) through the engine: answers `GET` on the
 * token route and returns `{ kind: 'answered' }`; otherwise wraps this response for injection
 * when this mount injects into it, and returns `{ kind: 'proceed', token }` (`token` is
 * `undefined` for an anonymous visitor, a skipped request, or when no token could be had).
 * Never rejects: failures go to `onError`. Returns at once, without a promise, when the user
 * was resolved synchronously (a cached token); `await` takes both.
 *
 * @example
 * const plug = createPlugSession({ appAccessToken, appId, injectScript: true, resolveUser });
 * createServer(async (req, res) => {
 *   const outcome = await handleNodeRequest(plug, req, res);
 *   if (outcome.kind === 'answered') return;
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
  const facts = { method: req.method ?? 'GET', path: options.url ?? req.url ?? '/', shared: req };
  return thenOrNow(engine.handle(req, facts), (outcome) => carryOut(res, outcome));
}
