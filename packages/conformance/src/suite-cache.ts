import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { echo, sleep, useHarness } from './support/harness.js';
import { echoRoute } from './support/pages.js';
import { claimsOf } from './support/users.js';

/** Behaviours 3 and 4: expiry and the token cache. */
export function cacheSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: the token cache`, () => {
    const h = useHarness(driver);

    it(`${n}: serves a second request for the same user from the cache`, async () => {
      const app = await h.start([echoRoute()]);
      const first = await echo(app, 'alice');
      const second = await echo(app, 'alice');
      expect(first.token).toEqual(expect.any(String));
      expect(second.token).toBe(first.token);
      expect(h.emu.callCount).toBe(1);
    });

    it(`${n}: makes exactly one upstream call for 50 concurrent requests of a new user`, async () => {
      const app = await h.start([echoRoute()]);
      // Slow answers make sure every request arrives while the first call is in flight.
      h.emu.setLatency(300);
      const answers = await Promise.all(Array.from({ length: 50 }, () => echo(app, 'bob')));
      expect(h.emu.callCount).toBe(1);
      const tokens = new Set(answers.map((answer) => answer.token));
      expect(tokens.size).toBe(1);
      expect(h.emu.verifyToken([...tokens][0] ?? '')).toMatchObject({ claims: { sub: 'bob' } });
    });

    it(`${n}: gives each of 20 users their own token when their requests interleave`, async () => {
      const app = await h.start([echoRoute()]);
      h.emu.setLatency(50);
      const users = Array.from({ length: 20 }, (_, i) => `u-${i}`);
      const order = [0, 1, 2].flatMap(() => users);
      const answers = await Promise.all(order.map((user) => echo(app, user)));
      answers.forEach((answer, index) => {
        expect(answer.token, `the token of ${order[index]}`).toEqual(expect.any(String));
        expect(claimsOf(answer.token ?? '').sub).toBe(order[index]);
      });
      expect(h.emu.callCount).toBe(20);
    });

    it(`${n}: makes a new call when the user's traits change`, async () => {
      const app = await h.start([echoRoute()]);
      const before = await echo(app, 'alice');
      const after = await echo(app, 'alice-renamed');
      expect(h.emu.callCount).toBe(2);
      expect(after.token).not.toBe(before.token);
      const verified = h.emu.verifyToken(after.token ?? '');
      expect(verified).toMatchObject({
        valid: true,
        claims: { sub: 'alice', user_traits: { display_name: 'Alice A.' } },
      });
    });

    it(`${n}: evicts the least recently used token when the cache is full`, async () => {
      const app = await h.start([echoRoute()], h.options({ cache: { max: 2 } }));
      for (const user of ['u-1', 'u-2', 'u-3']) await echo(app, user);
      expect(h.emu.callCount).toBe(3);
      await echo(app, 'u-3');
      expect(h.emu.callCount, 'the most recent user is still cached').toBe(3);
      await echo(app, 'u-1');
      expect(h.emu.callCount, 'the least recent user was evicted').toBe(4);
    });

    it(`${n}: calls DevRev for every request when the cache is off`, async () => {
      const app = await h.start([echoRoute()], h.options({ cache: false }));
      const first = await echo(app, 'alice');
      const second = await echo(app, 'alice');
      expect(h.emu.callCount).toBe(2);
      expect(second.token).not.toBe(first.token);
    });
  });

  describe(`${n}: token expiry`, () => {
    const h = useHarness(driver, { tokenTtlSeconds: 2 });

    it(`${n}: gets a new token once the cached one has expired`, async () => {
      const app = await h.start([echoRoute()]);
      const first = await echo(app, 'alice');
      expect(first.token).toEqual(expect.any(String));
      await sleep(2100);
      const second = await echo(app, 'alice');
      expect(second.token).toEqual(expect.any(String));
      expect(second.token).not.toBe(first.token);
      expect(h.emu.verifyToken(second.token ?? '')).toMatchObject({ valid: true });
      expect(h.emu.callCount).toBeGreaterThanOrEqual(2);
      expect(h.errors).toEqual([]);
    });
  });
}
