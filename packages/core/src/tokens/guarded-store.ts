import { helpFor, PlugSessionError } from '../errors.js';
import { afterPendingIo, unrefTimer } from '../host.js';
import { sanitizedCause } from '../upstream/upstream-errors.js';
import type { CachedToken, TokenStore } from './token-store.js';

/** A {@link TokenStore} whose calls never throw, never hang, and always return promises. */
export interface GuardedStore {
  get(key: string): Promise<CachedToken | undefined>;
  set(key: string, value: CachedToken, ttlMs: number): Promise<void>;
  readonly canLock: boolean;
  /**
   * A synchronous look-up, for the built-in memory store only: a cache hit then costs no
   * timer, race or promise chain (the hot path of every identified request).
   */
  peek?(key: string): CachedToken | undefined;
  /** `true`: locked; `false`: another instance holds it; `undefined`: the store failed. */
  lock(key: string, ttlMs: number): Promise<boolean | undefined>;
  unlock(key: string): Promise<void>;
  shutdown(): Promise<void>;
}

export interface GuardOptions {
  /** The longest a store call may take before it counts as failed. */
  callTimeoutMs: number;
  /** Used while the store fails: reads when a read failed, writes when a write failed. */
  fallback?: TokenStore;
  /**
   * Told of a failure as a `STORE_FAILED` error, once per outage: the first failure is
   * reported, then nothing until a call succeeds again (a Redis that is down would
   * otherwise be reported on every request of every page).
   */
  onError?: (error: PlugSessionError) => void;
  /** A synchronous look-up the store is known to answer at once and never fail. */
  peek?: (key: string) => CachedToken | undefined;
  /** Redacted from every error (the AAT). */
  secret: string;
}

type Outcome<T> = { ok: true; value: T } | { ok: false };

/**
 * Wraps a user's store so that a broken or slow shared cache (Redis down, a hung socket)
 * degrades to minting, or to the in-memory fallback, and never fails a request. `init()` is
 * started at once; every call waits for it within its own time limit.
 */
export function guardStore(store: TokenStore, options: GuardOptions): GuardedStore {
  const { callTimeoutMs, fallback, onError, secret } = options;
  // Calls are numbered: an outage starts with a failed call and ends when a call started
  // after that one succeeds (an older call that answers late says nothing about now).
  let calls = 0;
  let failingSince: number | undefined;
  const report = (operation: string, error: unknown, callNumber: number) => {
    const news = failingSince === undefined;
    failingSince = Math.max(failingSince ?? 0, callNumber);
    if (!news || !onError) return;
    const cause = sanitizedCause(error, secret);
    const message = `the token store's ${operation}() failed (${cause.message}); ${helpFor('STORE_FAILED')}`;
    try {
      onError(new PlugSessionError('STORE_FAILED', message, { cause }));
    } catch {
      // A throwing reporter must not turn a store failure into a failed request.
    }
  };
  const ready = Promise.resolve()
    .then(() => store.init?.())
    .catch((error: unknown) => report('init', error, 0));

  async function call<T>(
    operation: string,
    run: () => T | Promise<T>,
    limit = callTimeoutMs,
  ): Promise<Outcome<T>> {
    const callNumber = ++calls;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const expire = () => reject(new Error(`no answer within ${limit} ms`));
      const due = performance.now() + limit;
      let extended = false;
      const onTimer = () => {
        // Fired late: our own event loop was busy (a burst of requests, a long GC), so the
        // time went to us, and the command may only just have been written (clients flush
        // on setImmediate). Blaming the store would send a busy instance to its memory
        // cache just when sharing matters: allow it one more limit, once.
        if (!extended && performance.now() - due > limit / 2) {
          extended = true;
          timer = unrefTimer(setTimeout(onTimer, limit));
          return;
        }
        // An answer that arrived while the loop was busy is read in the next poll: let it.
        afterPendingIo(expire);
      };
      timer = unrefTimer(setTimeout(onTimer, limit));
    });
    const work = ready.then(run);
    work.catch(() => undefined); // a late rejection after the timeout is not unhandled
    try {
      const value = await Promise.race([work, timeout]);
      // The outage, if any, is over: the next failure is news again.
      if (failingSince !== undefined && callNumber > failingSince) failingSince = undefined;
      return { ok: true, value };
    } catch (error) {
      report(operation, error, callNumber);
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(key) {
      const got = await call('get', () => store.get(key));
      const value = got.ok ? got.value : await fallback?.get(key);
      return isCachedToken(value) ? value : undefined;
    },
    async set(key, value, ttlMs) {
      const done = await call('set', () => store.set(key, value, ttlMs));
      if (!done.ok) await fallback?.set(key, value, ttlMs);
    },
    canLock: typeof store.lock === 'function',
    ...(options.peek ? { peek: options.peek } : {}),
    async lock(key, ttlMs) {
      const got = await call('lock', () => store.lock?.(key, ttlMs));
      return got.ok ? got.value === true : undefined;
    },
    async unlock(key) {
      await call('unlock', () => store.unlock?.(key));
    },
    async shutdown() {
      // Closing may flush a connection: allow it longer than a lookup, but not forever.
      await call('shutdown', () => store.shutdown?.(), 2000);
      await fallback?.shutdown?.();
    },
  };
}

/** A shared store may hand back anything (a stale format, a corrupt entry): check it. */
function isCachedToken(value: unknown): value is CachedToken {
  if (typeof value !== 'object' || value === null) return false;
  const { token, expiresAt, usableUntil, refreshAt } = value as Record<string, unknown>;
  return (
    typeof token === 'string' &&
    token !== '' &&
    [expiresAt, usableUntil, refreshAt].every((t) => typeof t === 'number' && Number.isFinite(t))
  );
}
