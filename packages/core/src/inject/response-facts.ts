/** The value of a response header as Node and the frameworks expose it. */
export type HeaderValue = string | number | readonly string[] | undefined;

/**
 * The minimal view of a response's headers that core needs. Each adapter maps it onto its
 * framework (`res.getHeader`, `reply.getHeader`, `ctx.response.get`…).
 */
export interface HeaderAccess {
  get(name: string): HeaderValue;
  set(name: string, value: string): void;
  remove(name: string): void;
}

/** What core needs to know about a response to decide whether to inject into it. */
export interface ResponseFacts {
  /** The request's method. */
  method: string;
  status: number;
  headers: HeaderAccess;
}
