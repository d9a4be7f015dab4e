import { describe, expect, it } from 'vitest';
import type { Driver, RouteSpec } from './driver.js';
import { codesOf, useHarness } from './support/harness.js';
import type { Reply } from './support/http.js';
import { claimsOf, REJECTS, THROWS } from './support/users.js';

const ROUTE = '/plug/session';

/** App routes next to the token route, each answering its own name. */
const APP_ROUTES: RouteSpec[] = [
  {
    method: 'POST',
    path: ROUTE,
    style: 'string',
    chunks: ['app: POST /plug/session'],
    headers: { 'content-type': 'text/plain' },
  },
  {
    path: '/plug/session/more',
    style: 'string',
    chunks: ['app: /plug/session/more'],
    headers: { 'content-type': 'text/plain' },
  },
  {
    path: '/plug/sessions',
    style: 'string',
    chunks: ['app: /plug/sessions'],
    headers: { 'content-type': 'text/plain' },
  },
  {
    path: '/plug',
    style: 'string',
    chunks: ['app: /plug'],
    headers: { 'content-type': 'text/plain' },
  },
];

/** The token route's JSON, after checking what every answer of it shares. */
function answerOf(reply: Reply, status: number): Record<string, unknown> {
  expect(reply.status).toBe(status);
  expect(reply.header('cache-control')).toMatch(/\bno-store\b/);
  expect(reply.header('content-type')).toMatch(/^application\/json\b/);
  return reply.json() as Record<string, unknown>;
}

/** Behaviour 7: the token route. */
export function tokenRouteSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: the token route`, () => {
    const h = useHarness(driver);
    const options = (extra = {}) => h.options({ tokenRoute: ROUTE, ...extra });

    it(`${n}: answers an identified user with the session token and its expiry`, async () => {
      const app = await h.start(APP_ROUTES, options());
      const answer = answerOf(await app.send(ROUTE, { user: 'alice' }), 200);
      expect(Object.keys(answer).sort()).toEqual(['expires_at', 'session_token']);
      const token = String(answer.session_token);
      expect(h.emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
      const expiresAt = String(answer.expires_at);
      expect(expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      const exp = Number(claimsOf(token).exp) * 1000;
      expect(Math.abs(Date.parse(expiresAt) - exp)).toBeLessThanOrEqual(1000);
    });

    it(`${n}: answers an anonymous visitor with a null session token`, async () => {
      const app = await h.start(APP_ROUTES, options());
      expect(answerOf(await app.send(ROUTE), 200)).toStrictEqual({ session_token: null });
      expect(h.emu.callCount).toBe(0);
    });

    const failures = [
      { what: 'DevRev rejects the call', user: 'alice', code: 'UNAUTHORIZED', fault: true },
      { what: 'resolveUser throws', user: THROWS, code: 'RESOLVER_FAILED', fault: false },
      { what: 'resolveUser rejects', user: REJECTS, code: 'RESOLVER_FAILED', fault: false },
      {
        what: 'the rev_info is invalid',
        user: 'bad-phone',
        code: 'INVALID_REV_INFO',
        fault: false,
      },
    ] as const;
    for (const { what, user, code, fault } of failures) {
      it(`${n}: answers 503 with the code ${code} when ${what}`, async () => {
        const app = await h.start(APP_ROUTES, options());
        if (fault) h.emu.setFault({ type: 'status', status: 401 });
        expect(answerOf(await app.send(ROUTE, { user }), 503)).toStrictEqual({ error: code });
        expect(codesOf(h.errors)).toEqual([code]);
      });
    }

    it(`${n}: answers with x-content-type-options: nosniff, for a token, an anonymous visitor and a failure`, async () => {
      const app = await h.start(APP_ROUTES, options());
      const identified = await app.send(ROUTE, { user: 'alice' });
      const anonymous = await app.send(ROUTE);
      h.emu.setFault({ type: 'status', status: 401 });
      const failed = await app.send(ROUTE, { user: 'bob' });
      expect([identified.status, anonymous.status, failed.status]).toEqual([200, 200, 503]);
      for (const reply of [identified, anonymous, failed]) {
        expect(reply.header('x-content-type-options')).toBe('nosniff');
      }
    });

    it(`${n}: ignores the query string of the token route`, async () => {
      const app = await h.start(APP_ROUTES, options());
      const answer = answerOf(
        await app.send(`${ROUTE}?x=1&session_token=evil`, { user: 'bob' }),
        200,
      );
      expect(h.emu.verifyToken(String(answer.session_token))).toMatchObject({
        claims: { sub: 'bob' },
      });
    });

    it(`${n}: passes other methods and paths through to the app`, async () => {
      const app = await h.start(APP_ROUTES, options());
      const post = await app.send(ROUTE, { method: 'POST', user: 'alice', body: '' });
      expect([post.status, post.text]).toEqual([200, 'app: POST /plug/session']);
      for (const path of ['/plug/session/more', '/plug/sessions', '/plug']) {
        const reply = await app.send(path, { user: 'alice' });
        expect([reply.status, reply.text]).toEqual([200, `app: ${path}`]);
      }
    });

    it(`${n}: answers the token route even when skip says to skip the request`, async () => {
      const app = await h.start(APP_ROUTES, options({ skip: () => true }));
      const answer = answerOf(await app.send(ROUTE, { user: 'alice' }), 200);
      expect(h.emu.verifyToken(String(answer.session_token))).toMatchObject({
        claims: { sub: 'alice' },
      });
    });

    it(`${n}: answers from the cache like any other request`, async () => {
      const app = await h.start(APP_ROUTES, options());
      const first = answerOf(await app.send(ROUTE, { user: 'alice' }), 200);
      const second = answerOf(await app.send(ROUTE, { user: 'alice' }), 200);
      expect(second.session_token).toBe(first.session_token);
      expect(h.emu.callCount).toBe(1);
    });
  });
}
