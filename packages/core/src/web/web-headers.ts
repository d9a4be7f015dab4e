import type { HeaderAccess } from '../inject/response-facts.js';

/**
 * Core's {@link HeaderAccess} over a Web `Headers` object: what a `ResponsePlanner` reads and
 * rewrites. Headers of a `Response` from `fetch()` are immutable (setting one throws): pass a
 * copy, `new Headers(response.headers)`, as {@link injectIntoResponse} does.
 * @example
 * const headers = new Headers(response.headers);
 * const plan = planResponse(response.status, webHeaders(headers));
 */
export function webHeaders(headers: Headers): HeaderAccess {
  return {
    get: (name) => headers.get(name) ?? undefined,
    set: (name, value) => headers.set(name, value),
    remove: (name) => headers.delete(name),
  };
}
