import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CacheMessage } from '../src/diagnostics.js';
import { REFRESH_RETRY_MS } from '../src/tokens/token-cache.js';
import type { CachedToken } from '../src/tokens/token-store.js';
import { type Harness, startHarness } from './support/provider-harness.js';

let h: Harness;
afterEach(() => h?.close());

const HOUR = 3_600_000;
const user = (ref: string, traits: Record<string, unknown> = {}) => ({
  user_ref: ref,
  user_traits: { display_name: ref, ...traits },
});

describe('the token provider', () => {
  it('serves the same rev_info from the cache until near its expiry', async () => {
    h = await startHarness();
    const first = await h.provider.getToken(user('u1'));
    h.clock.now += 0.5 * HOUR;
    const second = await h.provider.getToken(user('u1'));
    expect(second).toEqual(first);
    expect(h.emu.callCount).toBe(1);
  });

  it('makes exactly one upstream call for 50 concurrent lookups of one rev_info', async () => {
    h = await startHarness();
    h.emu.setLatency(50);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => h.provider.getToken(user('u1'))),
    );
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(h.emu.callCount).toBe(1);
  });

  it('gives each of 20 interleaved users their own token', async () => {
    h = await startHarness();
    const refs = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const lookups = [...refs, ...refs.reverse()].map((ref) =>
      h.provider.getToken(user(ref)).then((t) => [ref, t.token] as const),
    );
    for (const [ref, token] of await Promise.all(lookups)) {
      expect(h.emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: ref } });
    }
    expect(h.emu.callCount).toBe(20);
  });

  it('makes a new call when a trait changes', async () => {
    h = await startHarness();
    const before = await h.provider.getToken(user('u1', { email: 'old@example.com' }));
    const after = await h.provider.getToken(user('u1', { email: 'new@example.com' }));
    expect(after.token).not.toBe(before.token);
    expect(h.emu.callCount).toBe(2);
  });

  it('serves the old token at once after refreshAt and refreshes it once in the background', async () => {
    h = await startHarness();
    const old = await h.provider.getToken(user('u1'));
    h.clock.now = old.refreshAt;
    h.emu.setLatency(100);
    const during = await Promise.all([1, 2, 3].map(() => h.provider.getToken(user('u1'))));
    expect(during.map((t) => t.token)).toEqual([old.token, old.token, old.token]);
    await vi.waitFor(async () => {
      expect((await h.provider.getToken(user('u1'))).token).not.toBe(old.token);
    });
    expect(h.emu.callCount).toBe(2);
  });

  /**
   * Mints u1's token, moves the clock to its refreshAt and has DevRev answer 400: the lookup
   * there serves the old token and starts a refresh, which fails. Resolves with the old token
   * once the cache has reported the refresh stale.
   */
  async function failBackgroundRefresh(): Promise<CachedToken> {
    const events: CacheMessage[] = [];
    const listen = (m: unknown) => events.push(m as CacheMessage);
    subscribe('plug-session:cache', listen);
    try {
      const old = await h.provider.getToken(user('u1'));
      h.clock.now = old.refreshAt;
      h.emu.setFault({ type: 'status', status: 400 });
      expect((await h.provider.getToken(user('u1'))).token).toBe(old.token);
      await vi.waitFor(() =>
        expect(events).toContainEqual({ event: 'stale', code: 'BAD_REQUEST' }),
      );
      return old;
    } finally {
      unsubscribe('plug-session:cache', listen);
    }
  }

  it('keeps serving the still-valid token when a background refresh fails', async () => {
    h = await startHarness();
    const old = await failBackgroundRefresh();
    expect((await h.provider.getToken(user('u1'))).token).toBe(old.token);
  });

  it('after a failed background refresh, waits REFRESH_RETRY_MS before the next one', async () => {
    h = await startHarness();
    const old = await failBackgroundRefresh();
    expect(h.emu.callCount).toBe(2);
    // Page views meanwhile get the still-usable token at once, with no call.
    h.clock.now += REFRESH_RETRY_MS - 1;
    for (let i = 0; i < 5; i++) {
      expect(h.provider.peek(h.provider.keyOf(user('u1')))?.token).toBe(old.token);
      expect((await h.provider.getToken(user('u1'))).token).toBe(old.token);
    }
    expect(h.emu.callCount).toBe(2);
    // Then one more try, which now succeeds.
    h.clock.now += 1;
    h.emu.setFault(undefined);
    expect((await h.provider.getToken(user('u1'))).token).toBe(old.token);
    await vi.waitFor(async () => {
      expect((await h.provider.getToken(user('u1'))).token).not.toBe(old.token);
    });
    expect(h.emu.callCount).toBe(3);
  });

  it('mints again once the cached token is past usableUntil', async () => {
    h = await startHarness();
    const old = await h.provider.getToken(user('u1'));
    h.clock.now = old.usableUntil;
    const fresh = await h.provider.getToken(user('u1'));
    expect(fresh.token).not.toBe(old.token);
    expect(h.emu.callCount).toBe(2);
  });

  it('does not cache a failure: the next lookup calls again', async () => {
    h = await startHarness();
    h.emu.enqueue({ type: 'no-token' });
    await expect(h.provider.getToken(user('u1'))).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(h.provider.getToken(user('u1'))).resolves.toHaveProperty('token');
    expect(h.emu.callCount).toBe(2);
  });

  it('evicts the least recently used token beyond cache.max', async () => {
    h = await startHarness({ cache: { max: 2 } });
    await h.provider.getToken(user('a'));
    await h.provider.getToken(user('b'));
    await h.provider.getToken(user('a'));
    await h.provider.getToken(user('c'));
    expect(h.emu.callCount).toBe(3);
    await h.provider.getToken(user('a'));
    expect(h.emu.callCount).toBe(3);
    await h.provider.getToken(user('b'));
    expect(h.emu.callCount).toBe(4);
  });

  it('mints for every lookup with cache: false, still sharing concurrent ones', async () => {
    h = await startHarness({ cache: false });
    await h.provider.getToken(user('u1'));
    await h.provider.getToken(user('u1'));
    expect(h.emu.callCount).toBe(2);
    h.emu.setLatency(50);
    await Promise.all([1, 2, 3].map(() => h.provider.getToken(user('u1'))));
    expect(h.emu.callCount).toBe(3);
  });

  it('does not let a caller that gives up cancel the fetch others share', async () => {
    h = await startHarness({ timeoutMs: 300 });
    h.emu.setLatency(100);
    const shared = h.provider.getToken(user('u1'));
    await expect(shared).resolves.toHaveProperty('token');
    expect(h.emu.calls[0]?.status).toBe(201);
  });

  it('rejects with TIMEOUT within its budget when DevRev hangs', async () => {
    h = await startHarness({ timeoutMs: 300 });
    h.emu.setFault({ type: 'hang' });
    const started = performance.now();
    await expect(h.provider.getToken(user('u1'))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(300 + 1000);
  });

  it('cancels calls in flight when closed', async () => {
    h = await startHarness({ timeoutMs: 10_000 });
    h.emu.setFault({ type: 'hang' });
    const outcome = expect(h.provider.getToken(user('u1'))).rejects.toMatchObject({
      code: 'NETWORK',
    });
    await vi.waitFor(() => expect(h.emu.callCount).toBe(1));
    await h.provider.close();
    await outcome;
  });
});
