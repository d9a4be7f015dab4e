import { afterEach, describe, expect, it } from 'vitest';
import type { PlugSessionError } from '../src/errors.js';
import { type Harness, rejection, startHarness } from './support/provider-harness.js';

let h: Harness;
afterEach(() => h?.close());

const user = (i: number) => ({ user_ref: `user-${i}` });
const fail = (i: number) => rejection<PlugSessionError>(h.provider.getToken(user(i)));

describe('the token provider behind the upstream gate', () => {
  it('opens the breaker after five failures and makes no upstream call while open', async () => {
    h = await startHarness();
    h.emu.setFault({ type: 'no-token' });
    for (let i = 0; i < 5; i++) expect((await fail(i)).code).toBe('BAD_RESPONSE');
    expect(h.emu.callCount).toBe(5);
    for (let i = 5; i < 10; i++) {
      const error = await fail(i);
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.message).toContain('circuit breaker');
    }
    expect(h.emu.callCount).toBe(5);
  });

  it('lets one probe through after the cool-down while others still fail fast, then closes', async () => {
    h = await startHarness({ breaker: { openMs: 10_000 } });
    h.emu.setFault({ type: 'no-token' });
    for (let i = 0; i < 5; i++) await fail(i);
    h.emu.setFault(undefined);
    h.clock.now += 10_000;
    h.emu.setLatency(50);
    const probe = h.provider.getToken(user(100));
    const other = await fail(101);
    expect(other.message).toContain('half-open');
    await expect(probe).resolves.toHaveProperty('token');
    h.emu.setLatency(0);
    await expect(h.provider.getToken(user(102))).resolves.toHaveProperty('token');
    expect(h.emu.callCount).toBe(5 + 2);
  });

  it('re-opens the breaker when the probe fails', async () => {
    h = await startHarness();
    h.emu.setFault({ type: 'no-token' });
    for (let i = 0; i < 5; i++) await fail(i);
    h.clock.now += 10_000;
    expect((await fail(100)).code).toBe('BAD_RESPONSE');
    expect((await fail(101)).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.emu.callCount).toBe(6);
  });

  it('pauses every call of the AAT after a 429 until its Retry-After has passed', async () => {
    h = await startHarness({ timeoutMs: 1000 });
    h.emu.enqueue({ type: 'status', status: 429, retryAfterSeconds: 60 });
    expect(await fail(1)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 60_000 });
    h.clock.now += 30_000;
    const paused = await fail(2);
    expect(paused).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    expect(h.emu.callCount).toBe(1);
    h.clock.now += 30_000;
    await expect(h.provider.getToken(user(3))).resolves.toHaveProperty('token');
    expect(h.emu.callCount).toBe(2);
  });

  it('pauses calls for 30 s after DevRev rejected the AAT', async () => {
    h = await startHarness({}, 'aat-the-emulator-expects');
    expect(await fail(1)).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    const paused = await fail(2);
    expect(paused).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(paused.message).toContain('paused until');
    expect(h.emu.callCount).toBe(1);
    h.clock.now += 30_000;
    expect((await fail(3)).code).toBe('UNAUTHORIZED');
    expect(h.emu.callCount).toBe(2);
  });

  it('still serves cached tokens while the breaker is open', async () => {
    h = await startHarness();
    const cached = await h.provider.getToken(user(0));
    h.emu.setFault({ type: 'no-token' });
    for (let i = 1; i <= 5; i++) await fail(i);
    expect((await h.provider.getToken(user(0))).token).toBe(cached.token);
  });

  it('refuses at once, with no call and no stack, while the breaker is open or calls are paused', async () => {
    h = await startHarness();
    const cached = await h.provider.getToken(user(0));
    expect(h.provider.refusalFor(h.provider.keyOf(user(1)))).toBeUndefined();
    h.emu.setFault({ type: 'no-token' });
    for (let i = 1; i <= 5; i++) await fail(i);
    const refused = h.provider.refusalFor(h.provider.keyOf(user(6)));
    expect(refused?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(refused?.stack?.split('\n')).toHaveLength(1);
    expect((await fail(6)).message).toBe(refused?.message);
    // A user whose token is still usable is not refused: the lookup serves it.
    expect(h.provider.refusalFor(h.provider.keyOf(user(0)))).toBeUndefined();
    expect((await h.provider.getToken(user(0))).token).toBe(cached.token);
    // Once the probe is due, a lookup may go ahead again.
    h.clock.now += 10_000;
    expect(h.provider.refusalFor(h.provider.keyOf(user(7)))).toBeUndefined();
    expect(h.emu.callCount).toBe(6);
  });
});
