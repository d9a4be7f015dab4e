import { PlugSessionError } from '../errors.js';
import type { InjectionPlan } from '../inject/injection-plan.js';
import type { HeaderAccess } from '../inject/response-facts.js';
import { sanitizedCause } from '../upstream/upstream-errors.js';
import type { RequestFacts, RequestOutcome } from './plug-session-types.js';
import { markOf, setMark } from './request-mark.js';
import { type Resolution, thenOrNow, tokenOf } from './resolution.js';
import { tokenRouteResponse } from './token-route.js';

/** What the request path needs from the engine. */
export interface RequestPathInput<Req> {
  tokenRoute: string | undefined;
  skip: ((req: Req) => boolean) | undefined;
  resolve(req: Req, waitUntil?: RequestFacts['waitUntil']): Resolution | Promise<Resolution>;
  /** The injection decision for one response, or `undefined` when this engine does not inject. */
  planInjection:
    | ((
        req: Req,
        resolution: Resolution,
        method: string,
        status: number,
        headers: HeaderAccess,
      ) => InjectionPlan | undefined)
    | undefined;
  /** Whether a resolution gets a snippet at all (not failed, anonymous only when allowed). */
  wantsSnippet(resolution: Resolution): boolean;
  report(error: PlugSessionError, req: Req): void;
  /** Redacted from every error (the AAT). */
  secret: string;
}

const SKIPPED: RequestOutcome = Object.freeze({
  kind: 'proceed',
  token: undefined,
  planResponse: undefined,
});

/** The path of a request target, without its query, also for the absolute form a proxy may get. */
function pathOf(target: string): string {
  let path = target;
  if (!target.startsWith('/')) {
    try {
      path = new URL(target).pathname;
    } catch {
      // Not a URL either: compared as it is.
    }
  }
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

/**
 * The one request sequence every adapter runs through {@link PlugSession.handle}: the token
 * route, then the mark of an outer mount, then skip, then the resolution, and with it the
 * planner for the response when this mount is the one that injects.
 */
export function createRequestPath<Req>(input: RequestPathInput<Req>) {
  const { tokenRoute, skip, resolve, planInjection, wantsSnippet, report } = input;

  const shouldSkip = (method: string, req: Req): boolean => {
    if (method === 'HEAD' || method === 'OPTIONS') return true;
    if (skip === undefined) return false;
    try {
      return skip(req) === true;
    } catch (cause) {
      const message = 'skip threw; the request was skipped';
      report(
        new PlugSessionError('RESOLVER_FAILED', message, {
          cause: sanitizedCause(cause, input.secret),
        }),
        req,
      );
      return true;
    }
  };

  const proceed = (
    req: Req,
    method: string,
    resolution: Resolution,
    injects: boolean,
  ): RequestOutcome => {
    const token = tokenOf(resolution);
    if (!injects || planInjection === undefined || !wantsSnippet(resolution)) {
      return token === undefined ? SKIPPED : { kind: 'proceed', token, planResponse: undefined };
    }
    return {
      kind: 'proceed',
      token,
      planResponse: (status, headers) => planInjection(req, resolution, method, status, headers),
    };
  };

  return function handle(
    req: Req,
    request: RequestFacts,
  ): RequestOutcome | Promise<RequestOutcome> {
    const { method, shared, waitUntil } = request;
    const outer = markOf(shared);
    if (method === 'GET' && tokenRoute !== undefined && pathOf(request.path) === tokenRoute) {
      return thenOrNow(outer?.resolution ?? resolve(req, waitUntil), (resolution) => ({
        kind: 'answer',
        answer: tokenRouteResponse(resolution),
      }));
    }
    if (outer !== undefined) {
      // An outer mount resolved this request: its token, and the page unless it injects.
      const injects = planInjection !== undefined && !outer.injecting;
      if (injects) outer.injecting = true;
      return thenOrNow(outer.resolution, (resolution) => proceed(req, method, resolution, injects));
    }
    if (shouldSkip(method, req)) return SKIPPED;
    const resolution = resolve(req, waitUntil);
    const injects = planInjection !== undefined;
    setMark(shared, { resolution, injecting: injects });
    return thenOrNow(resolution, (resolved) => proceed(req, method, resolved, injects));
  };
}
