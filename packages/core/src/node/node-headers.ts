import type { ServerResponse } from 'node:http';
import type { HeaderAccess } from '../inject/response-facts.js';

/**
 * Core's {@link HeaderAccess} over a Node response's public header API (`getHeader`,
 * `setHeader`, `removeHeader`): what a `ResponsePlanner` reads and rewrites, for a framework
 * that keeps its headers on Node's response (Koa does).
 * @example
 * const plan = planResponse(ctx.status, nodeHeaders(ctx.res));
 */
export function nodeHeaders(res: ServerResponse): HeaderAccess {
  return {
    get: (name) => res.getHeader(name),
    set: (name, value) => res.setHeader(name, value),
    remove: (name) => res.removeHeader(name),
  };
}
