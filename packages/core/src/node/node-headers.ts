import type { ServerResponse } from 'node:http';
import type { HeaderAccess } from '../inject/response-facts.js';

/** Core's {@link HeaderAccess} over a Node response's public header API. */
export function nodeHeaders(res: ServerResponse): HeaderAccess {
  return {
    get: (name) => res.getHeader(name),
    set: (name, value) => res.setHeader(name, value),
    remove: (name) => res.removeHeader(name),
  };
}
