import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PlugSessionError } from '../src/errors.js';
import { createPlugSession } from '../src/runtime/node-runtime.js';
import { guardStore } from '../src/tokens/guarded-store.js';
import { createMemoryStore } from '../src/tokens/memory-store.js';
import { createTokenCache, type TokenCacheOptions } from '../src/tokens/token-cache.js';
import type { CachedToken } from '../src/tokens/token-store.js';

const HOUR = 3_600_000;
const KEY = 'key-u1';
const REV_INFO = { user_ref: 'u1' };

/** A token minted at `t` (epoch ms) that lives an hour. */
const tokenAt = (t: number, token: string): CachedToken => ({
  token,
  expiresAt: t + HOUR,
  usableUntil: t + 0.9 * HOUR,
  refreshAt: t + 0.8 * HOUR,
});

/** A mint that the test settles by hand, one pending call after another. */
function manualMint() {
  const calls: { resolve(token: CachedToken): void; reject(error: unknown): void }[] = [];
  const mint = vi.fn(
    () =>
      new Promise<CachedToken>((resolve, reject) => {
        calls.push({ resolve, reject });
      }),
  );
  return { mint, calls };
}

/** A token cache over the memory store, on a wall clock the test moves by hand. */
function cacheWith(mint: TokenCacheOptions['mint'], timeoutMs = 2000) {
  const clock = { now: Date.now() };
  const memory = createMemoryStore();
  const store = guardStore(memory, {
    callTimeoutMs: 100,
    secret: 'aat',
    peek: (key) => memory.get(key) as CachedToken | undefined,
  });
  const cache = createTokenCache({ store, mint, now: () => clock.now, timeoutMs });
  return { cache, clock };
}

describe("the token cache and the request's waitUntil", () => {
  it('hands the mint a lookup starts to waitUntil, which settles once the token is stored', async () => {
    const { mint, calls } = manualMint();
    const { cache, clock } = cacheWith(mint);
    const waitUntil = vi.fn();
    const lookup = cache.get(KEY, REV_INFO, waitUntil);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(waitUntil).toHaveBeenCalledTimes(1);
    const handed = waitUntil.mock.calls[0]?.[0] as Promise<unknown>;
    expect(handed).toBeInstanceOf(Promise);
    calls[0]?.resolve(tokenAt(clock.now, 't1'));
    await handed;
    expect(cache.peek(KEY)?.token).toBe('t1');
    await expect(lookup).resolves.toMatchObject({ token: 't1' });
  });

  it('hands over a mint that fails as a promise that does not reject', async () => {
    const { mint, calls } = manualMint();
    const { cache } = cacheWith(mint);
    const waitUntil = vi.fn();
    const lookup = cache.get(KEY, REV_INFO, waitUntil);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    calls[0]?.reject(new PlugSessionError('BAD_RESPONSE', 'no token in the answer'));
    await expect(lookup).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(waitUntil.mock.calls[0]?.[0]).resolves.toBeUndefined();
  });

  it("hands a joined mint to the joiner's waitUntil too, so it outlives its starter", async () => {
    const { mint, calls } = manualMint();
    const { cache, clock } = cacheWith(mint);
    const [starter, joiner] = [vi.fn(), vi.fn()];
    const first = cache.get(KEY, REV_INFO, starter);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const second = cache.get(KEY, REV_INFO, joiner);
    await vi.waitFor(() => expect(joiner).toHaveBeenCalledTimes(1));
    expect(joiner.mock.calls[0]?.[0]).toBe(starter.mock.calls[0]?.[0]);
    calls[0]?.resolve(tokenAt(clock.now, 't1'));
    expect((await first).token).toBe('t1');
    expect((await second).token).toBe('t1');
    expect(mint).toHaveBeenCalledTimes(1);
  });

  it('hands a refresh-ahead to the waitUntil of the request that found the token ageing', async () => {
    const { mint, calls } = manualMint();
    const { cache, clock } = cacheWith(mint);
    const minting = cache.get(KEY, REV_INFO);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const old = tokenAt(clock.now, 'old');
    calls[0]?.resolve(old);
    await minting;

    clock.now = old.refreshAt;
    const waitUntil = vi.fn();
    expect((await cache.get(KEY, REV_INFO, waitUntil)).token).toBe('old');
    expect(waitUntil).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    calls[1]?.resolve(tokenAt(clock.now, 'renewed'));
    await waitUntil.mock.calls[0]?.[0];
    expect(cache.peek(KEY)?.token).toBe('renewed');
  });

  it('does not join a mint still in flight past its deadline: a lost one is replaced', async () => {
    // The first mint never settles, as on a Worker whose request ended without waitUntil.
    const { mint, calls } = manualMint();
    const { cache, clock } = cacheWith(mint, 50);
    await expect(cache.get(KEY, REV_INFO)).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Past the lost mint's deadline on the monotonic clock, whatever the timer's rounding.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = cache.get(KEY, REV_INFO);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    calls[1]?.resolve(tokenAt(clock.now, 't2'));
    await expect(second).resolves.toMatchObject({ token: 't2' });
    expect(mint).toHaveBeenCalledTimes(2);
  });
});

describe("the engine and the request's waitUntil", () => {
  const AAT = 'aat-wait-until-tests';
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ appAccessToken: AAT });
  });
  afterAll(() => emu.close());

  it('hands it the mint of a request that needs a token, and nothing once the token is cached', async () => {
    const engine = createPlugSession<string>({
      appAccessToken: AAT,
      endpoint: emu.endpoint,
      resolveUser: (id) => ({ user_ref: id }),
      onError: () => undefined,
    });
    const waitUntil = vi.fn();
    const facts = { method: 'GET', path: '/', shared: {}, waitUntil };
    const outcome = await engine.handle('wait-until-u1', facts);
    expect(outcome).toMatchObject({ kind: 'proceed', token: expect.stringMatching(/^ey/) });
    expect(waitUntil).toHaveBeenCalledTimes(1);
    await waitUntil.mock.calls[0]?.[0];
    expect(emu.calls.filter((call) => call.revInfo?.user_ref === 'wait-until-u1')).toHaveLength(1);

    const cached = engine.handle('wait-until-u1', { ...facts, shared: {} });
    expect(cached).toMatchObject({
      kind: 'proceed',
      token: outcome.kind === 'proceed' && outcome.token,
    });
    expect(waitUntil).toHaveBeenCalledTimes(1);
    await engine.close();
  });
});
