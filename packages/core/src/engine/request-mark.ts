import type { Resolution } from './resolution.js';

/**
 * What the first mount of plug-session on a request leaves for any other mount on the same
 * request (an app and a router, a Fastify root and child scope, two Koa `use`s), whatever copy
 * of core each comes from (ESM and CJS builds, two versions): the resolution it started, so
 * that an inner mount makes no second `resolveUser` call nor upstream call, and whether it
 * took the response for injection, so that a page is injected once.
 */
export interface RequestMark {
  readonly resolution: Resolution | Promise<Resolution>;
  injecting: boolean;
}

// A registry symbol, so that every copy of core reads the same mark.
const MARK = Symbol.for('plug-session.request');

type Marked = { [MARK]?: RequestMark };

/** The mark an outer mount left on this request's shared object, if any. */
export const markOf = (shared: object): RequestMark | undefined => (shared as Marked)[MARK];

/** Marks the request's shared object: a property of that one request, nothing shared wider. */
export function setMark(shared: object, mark: RequestMark): void {
  (shared as Marked)[MARK] = mark;
}
