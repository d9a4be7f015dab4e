import { describe, expect, it, vi } from 'vitest';
import { guardStore } from '../src/tokens/guarded-store.js';
import type { CachedToken, TokenStore } from '../src/tokens/token-store.js';

const t = Date.now() + 3_600_000;
const value: CachedToken = { token: 'eyJ', expiresAt: t, usableUntil: t, refreshAt: t };

/** Keeps the event loop busy, as a burst of requests or a long GC would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const never = () => new Promise<never>(() => undefined);

describe('a guarded store', () => {
  it('does not blame the store for time its own busy event loop took', async () => {
    const onError = vi.fn();
    // Like node-redis: the command is written on setImmediate and answered a little later,
    // but the loop is blocked past the call's limit before it can even be written.
    const store: TokenStore = {
      get: () =>
        new Promise((resolve) => {
          blockFor(250);
          setImmediate(() => setTimeout(() => resolve(value), 20));
        }),
      set: never,
      delete: never,
    };
    const guarded = guardStore(store, { callTimeoutMs: 100, onError, secret: 's' });
    await expect(guarded.get('k')).resolves.toEqual(value);
    expect(onError).not.toHaveBeenCalled();
  });

  it('still gives up on a store that never answers, within twice its limit', async () => {
    const onError = vi.fn();
    const store: TokenStore = { get: never, set: never, delete: never };
    const guarded = guardStore(store, { callTimeoutMs: 100, onError, secret: 's' });
    const started = performance.now();
    await expect(guarded.get('k')).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'STORE_FAILED' });
  });
});
