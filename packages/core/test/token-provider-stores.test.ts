import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlugSessionError } from '../src/errors.js';
import { createTokenProvider } from '../src/tokens/token-provider.js';
import type { CachedToken, TokenStore } from '../src/tokens/token-store.js';
import { AAT, type Harness, startHarness } from './support/provider-harness.js';
import { providerParts, runtimes } from './support/runtimes.js';

let h: Harness;
afterEach(() => h?.close());

const u1 = { user_ref: 'u1' };
const later = <T>(value: T, ms = 5) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** A shared store as a Redis one would behave: every call asynchronous. */
function asyncStore(): TokenStore & { map: Map<string, CachedToken>; ttls: number[] } {
  const map = new Map<string, CachedToken>();
  const ttls: number[] = [];
  return {
    map,
    ttls,
    get: (key) => later(map.get(key)),
    set: (key, value, ttlMs) => {
      ttls.push(ttlMs);
      return later(undefined).then(() => void map.set(key, value));
    },
    delete: (key) => later(undefined).then(() => void map.delete(key)),
    init: vi.fn(),
    shutdown: vi.fn(),
  };
}

describe('the token provider with a store', () => {
  it('awaits an async store, keeping each token until its usableUntil', async () => {
    const store = asyncStore();
    h = await startHarness({ cache: { store } });
    const first = await h.provider.getToken(u1);
    await vi.waitFor(() => expect(store.map.size).toBe(1));
    expect(store.ttls[0]).toBe(first.usableUntil - h.clock.now);
    expect(await h.provider.getToken(u1)).toEqual(first);
    expect(h.emu.callCount).toBe(1);
    expect(store.init).toHaveBeenCalledTimes(1);
  });

  it.each(runtimes)(
    'shares a token another instance on the %s runtime put in the store',
    async (_, runtime) => {
      const store = asyncStore();
      h = await startHarness({ cache: { store } });
      const other = createTokenProvider({
        endpoint: new URL(h.emu.endpoint),
        appAccessToken: AAT,
        timeoutMs: 2000,
        cache: { store },
        ...providerParts(runtime),
      });
      const first = await other.getToken(u1);
      await vi.waitFor(() => expect(store.map.size).toBe(1));
      expect((await h.provider.getToken(u1)).token).toBe(first.token);
      expect(h.emu.callCount).toBe(1);
      await other.close();
    },
  );

  it('keeps working when every store call throws, caching in memory meanwhile', async () => {
    const errors: PlugSessionError[] = [];
    const boom = () => {
      throw new Error('redis is down');
    };
    const store: TokenStore = { get: boom, set: boom, delete: boom };
    h = await startHarness({ cache: { store }, onStoreError: (e) => errors.push(e) });
    const first = await h.provider.getToken(u1);
    expect((await h.provider.getToken(u1)).token).toBe(first.token);
    expect(h.emu.callCount).toBe(1);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'STORE_FAILED' });
    expect(errors[0]?.message).toContain('redis is down');
  });

  it('reports a failing store once per outage, not once per call', async () => {
    const errors: PlugSessionError[] = [];
    const base = asyncStore();
    let down = true;
    const unlessDown =
      <A extends unknown[], R>(f: (...args: A) => R) =>
      (...args: A): R => {
        if (down) throw new Error('redis is down');
        return f(...args);
      };
    const store: TokenStore = {
      get: unlessDown(base.get),
      set: unlessDown(base.set),
      delete: unlessDown(base.delete),
    };
    h = await startHarness({ cache: { store }, onStoreError: (e) => errors.push(e) });
    for (const user_ref of ['u1', 'u2', 'u3']) await h.provider.getToken({ user_ref });
    expect(errors).toHaveLength(1);
    down = false;
    await h.provider.getToken({ user_ref: 'u4' });
    expect(errors).toHaveLength(1);
    down = true;
    await h.provider.getToken({ user_ref: 'u5' });
    expect(errors).toHaveLength(2);
  });

  it('keeps working when the store rejects', async () => {
    const no = () => Promise.reject(new Error('nope'));
    h = await startHarness({ cache: { store: { get: no, set: no, delete: no, init: no } } });
    await expect(h.provider.getToken(u1)).resolves.toHaveProperty('token');
  });

  it('does not wait for a store that never answers beyond the budget', async () => {
    const never = () => new Promise<never>(() => undefined);
    const store: TokenStore = { get: never, set: never, delete: never };
    h = await startHarness({ cache: { store }, timeoutMs: 1000 });
    const started = performance.now();
    await expect(h.provider.getToken(u1)).resolves.toHaveProperty('token');
    expect(performance.now() - started).toBeLessThan(1000 + 1000);
  });

  it('ignores a corrupt entry from a shared store and mints', async () => {
    const store = asyncStore();
    store.get = () => later({ token: 42 } as unknown as CachedToken);
    h = await startHarness({ cache: { store } });
    await expect(h.provider.getToken(u1)).resolves.toHaveProperty('token');
    expect(h.emu.callCount).toBe(1);
  });

  it('takes the store’s lock to mint and releases it once the token is stored', async () => {
    const store = { ...asyncStore(), lock: vi.fn(() => true), unlock: vi.fn() };
    h = await startHarness({ cache: { store } });
    await h.provider.getToken(u1);
    await vi.waitFor(() => expect(store.unlock).toHaveBeenCalledTimes(1));
    expect(store.lock).toHaveBeenCalledTimes(1);
    expect(h.emu.callCount).toBe(1);
  });

  it('waits for the instance holding the lock and takes its token instead of minting', async () => {
    const base = asyncStore();
    const t = Date.now() + 3_600_000;
    const minted = { token: 'from-another-instance', expiresAt: t, usableUntil: t, refreshAt: t };
    const lock = (key: string) => {
      // Another instance holds the lock, and stores its token a little later.
      setTimeout(() => base.map.set(key, minted), 60);
      return false;
    };
    h = await startHarness({ cache: { store: { ...base, lock } }, now: () => Date.now() });
    expect((await h.provider.getToken(u1)).token).toBe('from-another-instance');
    expect(h.emu.callCount).toBe(0);
  });

  it('takes a token stored between its miss and its lock instead of minting it again', async () => {
    const base = asyncStore();
    const t = Date.now() + 3_600_000;
    const minted = { token: 'from-another-instance', expiresAt: t, usableUntil: t, refreshAt: t };
    // Another instance stored its token and released the lock just before ours was taken.
    const lock = vi.fn((key: string) => {
      base.map.set(key, minted);
      return true;
    });
    const store = { ...base, lock, unlock: vi.fn() };
    h = await startHarness({ cache: { store }, now: () => Date.now() });
    expect((await h.provider.getToken(u1)).token).toBe('from-another-instance');
    expect(h.emu.callCount).toBe(0);
    await vi.waitFor(() => expect(store.unlock).toHaveBeenCalledTimes(1));
  });

  it('mints anyway when the lock holder takes too long', async () => {
    const store = { ...asyncStore(), lock: () => false };
    h = await startHarness({ cache: { store }, lockWaitMs: 100 });
    await expect(h.provider.getToken(u1)).resolves.toHaveProperty('token');
    expect(h.emu.callCount).toBe(1);
  });

  it('shuts the store down on close', async () => {
    const store = asyncStore();
    h = await startHarness({ cache: { store } });
    await h.close();
    expect(store.shutdown).toHaveBeenCalledTimes(1);
  });
});
