import { type CacheMessage, publishCache } from '../diagnostics.js';
import { helpFor, PlugSessionError } from '../errors.js';
import { unrefTimer } from '../host.js';
import type { GuardedStore } from './guarded-store.js';
import type { CachedToken } from './token-store.js';

// One message for every hit: the hot path allocates nothing for a channel nobody listens to.
const HIT: CacheMessage = Object.freeze({ event: 'hit' });

/** Options of {@link createTokenCache}. */
export interface TokenCacheOptions {
  /** Where tokens are kept; `undefined` when caching is off. */
  store: GuardedStore | undefined;
  /** Mints one token within `budgetMs`; rejects with a {@link PlugSessionError}. */
  mint(revInfo: object, budgetMs: number): Promise<CachedToken>;
  /** The wall clock that tokens' times are in (epoch ms). */
  now: () => number;
  /** The budget of one {@link TokenCache.get}, in milliseconds. */
  timeoutMs: number;
  /** How long to wait for another instance that holds the store's lock. @default 1000 */
  lockWaitMs?: number;
}

export interface TokenCache {
  /**
   * A token for `key` that needs nothing done, at once: a hit in the memory store that is
   * not due for refresh. `undefined` sends the caller to {@link TokenCache.get}.
   */
  peek(key: string): CachedToken | undefined;
  /**
   * The token for `key`: cached, shared with a call in flight, or freshly minted. Every mint
   * this lookup starts, joins or triggers in the background is handed to `waitUntil`, when
   * given, so that the platform lets it finish after the response.
   */
  get(key: string, revInfo: object, waitUntil?: WaitUntil): Promise<CachedToken>;
}

/** Keeps background work alive past the response (a Worker's `ctx.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/** A mint in flight for one key, which every lookup of that key joins until the store has it. */
interface InFlight {
  readonly token: Promise<CachedToken>;
  /** Settles, never rejecting, once all the mint does has ended (its token stored, its lock let go). */
  readonly done: Promise<unknown>;
  /**
   * Past this (monotonic ms) with no token, its mint was lost with the request that ran it (a
   * Worker ends a request's work with its response): it is not joined but replaced.
   */
  staleAt: number;
}

const POLL_MS = 25;
// After a background refresh failed, the still-usable token is served this long before the
// next attempt: else every page view of that user would call DevRev again, and a 4xx for one
// user's rev_info does not count towards the breaker.
export const REFRESH_RETRY_MS = 30_000;
// Keys whose refresh failed are few; should they pile up, they are dropped together (the
// worst that does is one more attempt each).
const MAX_PAUSED_REFRESHES = 10_000;
// Over the deadline, the mint's own (more precise) TIMEOUT should win the race.
const DEADLINE_GRACE_MS = 25;

/**
 * Coalescing, refresh-ahead token lookups over a store (after isaacs/node-lru-cache's
 * `fetchMethod`). One mint per key at a time, shared by every caller, which none can
 * cancel: a caller that goes away leaves the others their token. From `refreshAt` the
 * cached token is served at once while one background mint replaces it; if that fails,
 * the still-usable token keeps being served, and the next refresh waits
 * {@link REFRESH_RETRY_MS}. Failures are never cached.
 */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { store, mint, now, timeoutMs, lockWaitMs = 1000 } = options;
  const inflight = new Map<string, InFlight>();
  /** Keys whose background refresh failed, and when the next one may start (epoch ms). */
  const refreshPausedUntil = new Map<string, number>();

  /** `key`'s last background refresh failed less than {@link REFRESH_RETRY_MS} before `t`. */
  function refreshPaused(key: string, t: number): boolean {
    const until = refreshPausedUntil.get(key);
    if (until === undefined) return false;
    if (t < until) return true;
    refreshPausedUntil.delete(key);
    return false;
  }

  /** The mint in flight for `key` that can still deliver; a stale one is dropped. */
  function joinable(key: string): InFlight | undefined {
    const entry = inflight.get(key);
    if (entry === undefined || performance.now() < entry.staleAt) return entry;
    inflight.delete(key);
    return undefined;
  }

  function start(
    key: string,
    revInfo: object,
    deadline: number,
    waitUntil: WaitUntil | undefined,
  ): Promise<CachedToken> {
    const forget = () => {
      if (inflight.get(key) === entry) inflight.delete(key);
    };
    let saved: Promise<void> | undefined;
    const fetching = (async () => {
      const locked = await acquire(key, deadline);
      try {
        if (typeof locked === 'object') return locked;
        const budget = deadline - performance.now();
        if (budget < 1) throw outOfTime();
        const token = await mint(revInfo, budget);
        saved = save(key, token);
        return token;
      } finally {
        // A failure is forgotten at once, so the next lookup tries again; a token stays in
        // flight until the store has it, so that nobody mints it twice meanwhile.
        if (saved) void saved.finally(forget);
        else forget();
        if (locked === true) saved = (saved ?? Promise.resolve()).finally(() => store?.unlock(key));
      }
    })();
    const entry: InFlight = {
      token: fetching,
      done: fetching
        .then(
          () => {
            // A token in hand is never stale: it is only being stored.
            entry.staleAt = Number.POSITIVE_INFINITY;
            return saved;
          },
          () => saved,
        )
        .catch(ignore),
      staleAt: deadline + DEADLINE_GRACE_MS,
    };
    inflight.set(key, entry);
    waitUntil?.(entry.done);
    return fetching;
  }

  function save(key: string, token: CachedToken): Promise<void> | undefined {
    const ttlMs = token.usableUntil - now();
    return store && ttlMs > 0 ? store.set(key, token, ttlMs) : undefined;
  }

  /** `true`: this instance holds the lock; a token: another instance minted it meanwhile. */
  async function acquire(key: string, deadline: number): Promise<boolean | CachedToken> {
    if (!store?.canLock) return false;
    const got = await store.lock(key, timeoutMs);
    if (got === true) {
      // Between our miss and our lock another instance may have minted, stored and
      // unlocked: look once more (double-checked locking), or we would mint it again.
      const found = await store.get(key);
      if (found && now() < found.refreshAt) {
        void store.unlock(key);
        return found;
      }
      return true;
    }
    if (got === undefined) return false;
    const until = performance.now() + Math.min(lockWaitMs, (deadline - performance.now()) / 2);
    while (performance.now() + POLL_MS <= until) {
      await sleep(POLL_MS);
      const found = await store.get(key);
      if (found && now() < found.usableUntil) return found;
    }
    return false;
  }

  function refresh(key: string, revInfo: object, waitUntil: WaitUntil | undefined): void {
    publishCache({ event: 'refresh' });
    start(key, revInfo, performance.now() + timeoutMs, waitUntil).then(
      () => refreshPausedUntil.delete(key),
      (error: unknown) => {
        if (refreshPausedUntil.size >= MAX_PAUSED_REFRESHES) refreshPausedUntil.clear();
        refreshPausedUntil.set(key, now() + REFRESH_RETRY_MS);
        const code = error instanceof PlugSessionError ? error.code : undefined;
        publishCache(code === undefined ? { event: 'stale' } : { event: 'stale', code });
      },
    );
  }

  async function lookup(
    key: string,
    revInfo: object,
    deadline: number,
    waitUntil: WaitUntil | undefined,
  ): Promise<CachedToken> {
    const cached = store ? await store.get(key) : undefined;
    const t = now();
    if (cached && t < cached.usableUntil) {
      publishCache(HIT);
      if (t >= cached.refreshAt && !joinable(key) && !refreshPaused(key, t)) {
        refresh(key, revInfo, waitUntil);
      }
      return cached;
    }
    publishCache({ event: 'miss' });
    const shared = joinable(key);
    if (shared) {
      publishCache({ event: 'coalesced' });
      // Kept alive by this request too: the one that started it may end first.
      waitUntil?.(shared.done);
      return shared.token;
    }
    return start(key, revInfo, deadline, waitUntil);
  }

  // The hot path: a fresh hit in the memory store (or one whose refresh is paused after a
  // failure). Anything else (a refresh due, a miss, a shared store) takes the full,
  // deadline-bound lookup.
  function peek(key: string): CachedToken | undefined {
    const hit = store?.peek?.(key);
    if (hit === undefined) return undefined;
    const t = now();
    if (t >= hit.refreshAt && (t >= hit.usableUntil || !refreshPaused(key, t))) return undefined;
    publishCache(HIT);
    return hit;
  }

  return {
    peek,
    get(key, revInfo, waitUntil) {
      const hit = peek(key);
      if (hit) return Promise.resolve(hit);
      const deadline = performance.now() + timeoutMs;
      const found = lookup(key, revInfo, deadline, waitUntil);
      return withDeadline(found, deadline + DEADLINE_GRACE_MS);
    },
  };
}

/** Settles like `work`, or rejects with TIMEOUT at `deadline` (monotonic ms), whichever first. */
function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const wait = Math.max(0, deadline - performance.now());
    const timer = unrefTimer(setTimeout(() => reject(outOfTime()), wait));
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

function ignore(): undefined {
  return undefined;
}

function outOfTime(): PlugSessionError {
  const what = 'no session token could be had within timeoutMs (a slow token store or DevRev)';
  return new PlugSessionError('TIMEOUT', `${what}; ${helpFor('TIMEOUT')}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => unrefTimer(setTimeout(resolve, ms)));
}
