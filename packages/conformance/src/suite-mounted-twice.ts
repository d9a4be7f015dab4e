import { describe, expect, it } from 'vitest';
import type { Driver, RouteSpec } from './driver.js';
import { codesOf, echo, type Options, useHarness } from './support/harness.js';
import { useMountCalls } from './support/mount-calls.js';
import { bytes, echoRoute, htmlRoute, PAGE } from './support/pages.js';
import { expectInjectedOnce, expectUntouched } from './support/snippet.js';
import { REJECTS, THROWS } from './support/users.js';

const ROUTE = '/plug/session';

/**
 * The rule under Behaviour 7: a middleware mounted twice on the same request (an app and a
 * router, a root and a child scope) makes one resolution, which the inner mount reuses. Every
 * test turns the cache off on both mounts, so that each resolution would be a DevRev call.
 */
export function mountedTwiceSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: mounted twice`, () => {
    const h = useHarness(driver);
    const { calls, counted } = useMountCalls();
    const startTwice = (routes: RouteSpec[], outer: Options, inner: Options) =>
      h.start(routes, counted('outer', outer), { innerMount: counted('inner', inner) });

    it(`${n}: resolves an identified user once for a route, with one DevRev call, when mounted twice`, async () => {
      const app = await startTwice([echoRoute()], h.options(), h.options());
      h.emu.clearCalls();
      const { token, seen } = await echo(app, 'alice');
      expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
      expect(h.resolved).toEqual(['alice']);
      expect(h.emu.callCount, 'one DevRev call').toBe(1);
      expect(seen).toBe(true);
      expect(h.emu.verifyToken(token ?? '')).toMatchObject({
        valid: true,
        claims: { sub: 'alice' },
      });
      expect(h.errors).toEqual([]);
    });

    it(`${n}: resolves an anonymous visitor once when mounted twice`, async () => {
      const app = await startTwice([echoRoute()], h.options(), h.options());
      h.emu.clearCalls();
      expect((await echo(app)).token).toBeNull();
      expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
      expect(h.emu.callCount).toBe(0);
    });

    it(`${n}: resolves once and injects once into a page when mounted twice, both mounts injecting`, async () => {
      const app = await startTwice([htmlRoute('/page', 'string')], h.injecting(), h.injecting());
      h.emu.clearCalls();
      const reply = await app.send('/page', { user: 'alice' });
      expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
      expect(h.emu.callCount, 'one DevRev call').toBe(1);
      const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
      const token = String(snippet.arg.session_token);
      expect(h.emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
      expect(h.errors).toEqual([]);
    });

    it(`${n}: answers a token route of the inner mount alone with one resolveUser call and one DevRev call`, async () => {
      const app = await startTwice([echoRoute()], h.options(), h.options({ tokenRoute: ROUTE }));
      h.emu.clearCalls();
      const reply = await app.send(ROUTE, { user: 'alice' });
      expect(calls, 'one resolveUser call in all').toHaveLength(1);
      expect(h.emu.callCount, 'one DevRev call').toBe(1);
      expect(reply.status).toBe(200);
      expect(reply.header('cache-control')).toMatch(/\bno-store\b/);
      const answer = reply.json() as Record<string, unknown>;
      expect(Object.keys(answer).sort()).toEqual(['expires_at', 'session_token']);
      expect(h.emu.verifyToken(String(answer.session_token))).toMatchObject({
        valid: true,
        claims: { sub: 'alice' },
      });
    });

    const failures = [
      { what: 'throws', user: THROWS, code: 'RESOLVER_FAILED' },
      { what: 'rejects', user: REJECTS, code: 'RESOLVER_FAILED' },
      { what: 'returns an invalid rev_info', user: 'bad-phone', code: 'INVALID_REV_INFO' },
    ];
    for (const { what, user, code } of failures) {
      it(`${n}: when the outer mount's resolveUser ${what}, the inner mount reuses the failure: no second resolveUser call and no snippet`, async () => {
        const app = await startTwice(
          [htmlRoute('/page', 'string'), echoRoute()],
          h.injecting(),
          h.injecting(),
        );
        h.emu.clearCalls();
        const reply = await app.send('/page', { user });
        expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
        expect(h.emu.callCount).toBe(0);
        expect(reply.status).toBe(200);
        expectUntouched(reply.body, bytes(PAGE));
        expect(codesOf(h.errors), 'onError is told once').toEqual([code]);
        calls.length = 0;
        h.errors.length = 0;
        expect((await echo(app, user)).token).toBeNull();
        expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
      });
    }

    it(`${n}: when DevRev rejects the outer mount's call, the inner mount calls neither resolveUser nor DevRev again, and the page gets no snippet`, async () => {
      const app = await startTwice([htmlRoute('/page', 'string')], h.injecting(), h.injecting());
      h.emu.clearCalls();
      h.emu.setFault({ type: 'status', status: 401 });
      const reply = await app.send('/page', { user: 'alice' });
      expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
      expect(h.emu.callCount, 'one DevRev call').toBe(1);
      expect(reply.status).toBe(200);
      expectUntouched(reply.body, bytes(PAGE));
      expect(codesOf(h.errors), 'onError is told once').toEqual(['UNAUTHORIZED']);
    });
  });
}
