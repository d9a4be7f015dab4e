import type { InjectionPlan } from '../inject/injection-plan.js';
import type { HeaderAccess } from '../inject/response-facts.js';
import type { Resolution } from './resolution.js';

/** The token route's answer: 200 with a token or `null`, 503 with the error code. */
export interface TokenRouteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The framework-neutral facts of one request that an adapter hands to {@link PlugSession.handle}. */
export interface RequestFacts {
  /** The request method, upper case. */
  method: string;
  /**
   * The path the browser asked for, a query allowed (matched against `tokenRoute`): the full
   * path also when the middleware is mounted under a prefix (Express's `originalUrl`).
   */
  path: string;
  /**
   * One object that every mount of plug-session on this request sees (the Node adapters: the
   * `IncomingMessage`). The engine marks it, so that a second mount reuses the first one's
   * resolution and a page is injected once.
   */
  shared: object;
  /**
   * Keeps work alive after the response has been sent (a Worker's `ctx.waitUntil`), on
   * platforms that end a request's work when its response is sent, such as Cloudflare Workers:
   * every token mint this request starts, joins or triggers in the background (refresh-ahead)
   * is handed to it, so that it completes and serves later requests. Leave it out where work
   * outlives its request anyway (Node, Bun, Deno).
   * @example
   * engine.handle(c, { method, path, shared: c.req.raw, waitUntil: (p) => ctx.waitUntil(p) });
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * Decides, once the response's status and headers are known, whether to inject into it:
 * the plan, or `undefined` to pass the response unchanged.
 */
export type ResponsePlanner = (status: number, headers: HeaderAccess) => InjectionPlan | undefined;

/** What {@link PlugSession.handle} tells an adapter to do with a request. */
export type RequestOutcome =
  /** The token route: send this answer and stop. */
  | { kind: 'answer'; answer: TokenRouteResponse }
  /**
   * Go on to the app with `token` on the request (`undefined`: anonymous, skipped, or no
   * token could be had); when `planResponse` is there, this mount injects into the response:
   * call it once the response's status and headers are known.
   */
  | { kind: 'proceed'; token: string | undefined; planResponse: ResponsePlanner | undefined };

/** What {@link createPlugSession} returns: the engine every adapter drives. */
export interface PlugSession<Req> {
  /** Whether this engine injects the snippet (`injectScript` was given). */
  readonly injects: boolean;
  /**
   * Takes one request through plug-session: answers `GET` on the token route (whatever
   * `skip` says); skips HEAD, OPTIONS and what `skip` says; reuses what an outer mount on the
   * same request resolved; otherwise resolves the user to a token. Never throws or rejects:
   * failures go to `onError`. Returns at once, without a promise, when nothing has to be
   * waited for (a synchronous `resolveUser` and a token in the in-memory cache).
   */
  handle(req: Req, request: RequestFacts): RequestOutcome | Promise<RequestOutcome>;
  /**
   * Resolves the user of `req` to a token, with no request around it (no skip, no mark, no
   * injection): for scripts, jobs and the CLI. Never throws or rejects.
   */
  resolve(req: Req): Resolution | Promise<Resolution>;
  /** Closes the connection pool and the store. */
  close(): Promise<void>;
}
