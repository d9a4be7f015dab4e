import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { AAT, codesOf, echo, useHarness } from './support/harness.js';
import { echoRoute } from './support/pages.js';
import { startRecorder } from './support/recorder.js';
import { DAVE_UPSTREAM, VALID_USERS } from './support/users.js';

/** Behaviour 1: the call to DevRev's token endpoint. */
export function upstreamSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: the upstream call`, () => {
    const h = useHarness(driver);

    it(`${n}: sends DevRev exactly the rev_info that resolveUser returned`, async () => {
      const app = await h.start([echoRoute()]);
      const { token } = await echo(app, 'carol');
      expect(token).toEqual(expect.any(String));
      expect(h.emu.calls.map((call) => call.revInfo)).toStrictEqual([
        JSON.parse(JSON.stringify(VALID_USERS.carol)),
      ]);
    });

    it(`${n}: drops keys whose value is undefined from the rev_info it sends`, async () => {
      const app = await h.start([echoRoute()]);
      await echo(app, 'dave');
      expect(h.emu.calls.map((call) => call.revInfo)).toStrictEqual([DAVE_UPSTREAM]);
    });

    it(`${n}: posts {rev_info} as JSON with the AAT as the authorization header`, async () => {
      const recorder = await startRecorder(h.emu.endpoint);
      try {
        const app = await h.start([echoRoute()], h.options({ endpoint: recorder.endpoint }));
        const { token } = await echo(app, 'bob');
        expect(token).toEqual(expect.any(String));
        expect(recorder.requests).toHaveLength(1);
        const [sent] = recorder.requests;
        expect(sent!.method).toBe('POST');
        expect(sent!.path).toBe('/internal/auth-tokens.create');
        expect(sent!.headers.authorization).toBe(AAT);
        expect(sent!.headers['content-type']).toMatch(/^application\/json\s*(;|$)/i);
        expect(sent!.headers.accept).toMatch(/application\/json/i);
        expect(JSON.parse(sent!.body)).toStrictEqual({ rev_info: VALID_USERS.bob });
      } finally {
        await recorder.close();
      }
    });

    it(`${n}: trims a trailing newline from the AAT before sending it`, async () => {
      const recorder = await startRecorder(h.emu.endpoint);
      try {
        const options = h.options({ endpoint: recorder.endpoint, appAccessToken: `  ${AAT}\n` });
        const app = await h.start([echoRoute()], options);
        const { token } = await echo(app, 'alice');
        expect(token).toEqual(expect.any(String));
        expect(recorder.requests.map((r) => r.headers.authorization)).toEqual([AAT]);
        expect(h.errors).toEqual([]);
      } finally {
        await recorder.close();
      }
    });

    it(`${n}: reports UNAUTHORIZED when DevRev rejects the AAT`, async () => {
      const app = await h.start([echoRoute()], h.options({ appAccessToken: 'aat-revoked-0000' }));
      expect(await echo(app, 'alice')).toMatchObject({ token: null });
      expect(codesOf(h.errors)).toEqual(['UNAUTHORIZED']);
      expect(h.emu.calls.map((call) => call.status)).toEqual([401]);
    });
  });

  describe(`${n}: the token on the request`, () => {
    const h = useHarness(driver);

    it(`${n}: gives the route the session token of an identified user`, async () => {
      const app = await h.start([echoRoute()]);
      const { token, seen } = await echo(app, 'alice');
      expect(seen).toBe(true);
      const verified = h.emu.verifyToken(token ?? '');
      expect(verified).toMatchObject({ valid: true, claims: { sub: 'alice' } });
      expect(h.emu.callCount).toBe(1);
      expect(h.errors).toEqual([]);
    });

    it(`${n}: gives an anonymous visitor no token and makes no upstream call`, async () => {
      const app = await h.start([echoRoute()]);
      expect(await echo(app)).toMatchObject({ token: null });
      expect(h.resolved).toEqual([undefined]);
      expect(h.emu.callCount).toBe(0);
      expect(h.errors).toEqual([]);
    });

    for (const method of ['HEAD', 'OPTIONS'] as const) {
      it(`${n}: resolves nobody and calls DevRev for nothing on ${method}`, async () => {
        const app = await h.start([echoRoute()]);
        const reply = await app.send('/echo', { method, user: 'alice' });
        // Frameworks answer OPTIONS themselves, each its own way; only HEAD's answer is fixed.
        if (method === 'HEAD') expect([reply.status, reply.text]).toEqual([200, '']);
        expect(h.resolved).toEqual([]);
        expect(h.emu.callCount).toBe(0);
      });
    }

    it(`${n}: resolves, attaches and injects nothing when skip says so`, async () => {
      const skip = (req: unknown) => driver.header(req, 'x-skip') === '1';
      const page = { path: '/page', style: 'string' as const, chunks: ['<body>hi</body>'] };
      const routes = [echoRoute(), { ...page, headers: { 'content-type': 'text/html' } }];
      const app = await h.start(routes, h.injecting({}, { skip }));
      const skipped = { user: 'alice', headers: { 'x-skip': '1' } };
      expect(await app.send('/echo', skipped).then((r) => r.json())).toMatchObject({ token: null });
      const reply = await app.send('/page', skipped);
      expect(reply.status).toBe(200);
      expect(reply.text).toBe('<body>hi</body>');
      expect(h.resolved).toEqual([]);
      expect(h.emu.callCount).toBe(0);
      // The same requests without the skip header are identified and injected.
      expect((await echo(app, 'alice')).token).toEqual(expect.any(String));
      expect((await app.send('/page', { user: 'alice' })).text).toContain('plugSDK');
    });
  });
}
