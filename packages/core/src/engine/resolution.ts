import type { PlugSessionError } from '../errors.js';

/** The outcome of resolving one request's user to a token. */
export type Resolution =
  /** HEAD, OPTIONS, or `skip` said so: nothing resolved, nothing injected. */
  | { kind: 'skipped' }
  /** `resolveUser` returned `null`/`undefined`. */
  | { kind: 'anonymous' }
  /** A session token for the user. `expiresAt` is the token's own expiry. */
  | { kind: 'identified'; token: string; expiresAt: Date }
  /** The user is known but no token could be had (invalid rev_info, a throwing resolver, DevRev). */
  | { kind: 'failed'; error: PlugSessionError };

/** The token a resolution puts on the request: `undefined` unless identified. */
export function tokenOf(resolution: Resolution): string | undefined {
  return resolution.kind === 'identified' ? resolution.token : undefined;
}

/** `next(value)` now when `value` is there, else once it is: a cached token costs no promise. */
export function thenOrNow<T, U>(value: T | Promise<T>, next: (value: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
