import { describe, expect, it } from 'vitest';
import type { Driver, RunningApp } from '../driver.js';
import { APP_ID, type Options, useHarness } from './harness.js';
import { useMountCalls } from './mount-calls.js';
import { bytes } from './pages.js';
import { expectInjectedOnce } from './snippet.js';

/** The page a route renders with the token it was given, as an app rendering it itself would. */
export const pageWith = (token: string | undefined): string =>
  `<!doctype html><html><body><p id=t>${token ?? ''}</p></body></html>`;

/** One way of mounting the adapter twice on a framework's own terms. */
export interface TwiceMounted {
  /** How the adapter is mounted twice; it opens each test name ("mounted twice with app.use"). */
  how: string;
  /** Where the route answers. @default '/page' */
  path?: string;
  /**
   * Starts an app with the adapter mounted with `outer`, again with `inner` on the way to the
   * route, and the route answering `pageWith(the token it was given)` as HTML.
   */
  start(outer: Options, inner: Options): Promise<RunningApp>;
}

/**
 * API.md: "A middleware mounted twice on the same request (an app and a router, a root and a
 * child scope) makes one resolution: the inner mount reuses what the outer one resolved (one
 * `resolveUser` call, at most one upstream call), so the route and the page see the same
 * token." The conformance suite checks it on its driver's one way of mounting twice; this
 * checks it on each way a framework offers, from a route that renders its token itself.
 */
export function mountedTwicePageSuite(driver: Driver, mountings: readonly TwiceMounted[]): void {
  describe(driver.name, () => {
    const h = useHarness(driver);
    const { calls, counted } = useMountCalls();
    /** Starts an app mounted that way and asks for its page once, as `user` or anonymously. */
    const visit = async ({ start, path = '/page' }: TwiceMounted, user?: string) => {
      const outer = counted('outer', h.injecting());
      const app = h.track(await start(outer, counted('inner', h.injecting())));
      return app.send(path, user === undefined ? {} : { user });
    };

    for (const mounting of mountings) {
      it(`${mounting.how}, the route renders the same token as the injected snippet, from one resolveUser call and one DevRev call`, async () => {
        const reply = await visit(mounting, 'alice');
        expect(reply.status).toBe(200);
        const rendered = /<p id=t>([^<]*)<\/p>/.exec(reply.text)?.[1];
        expect(rendered, 'the route got a token').toBeTruthy();
        const { arg } = expectInjectedOnce(reply.body, bytes(pageWith(rendered)), h.emu.scriptSrc);
        expect(arg.session_token, 'the snippet carries the token the route rendered').toBe(
          rendered,
        );
        expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
        expect(h.emu.callCount, 'one DevRev call').toBe(1);
        expect(h.emu.verifyToken(rendered ?? '')).toMatchObject({
          valid: true,
          claims: { sub: 'alice' },
        });
        expect(h.errors).toEqual([]);
      });

      it(`${mounting.how}, an anonymous visitor is resolved once and gets an anonymous snippet`, async () => {
        const reply = await visit(mounting);
        expect(calls, 'only the outer mount calls resolveUser').toEqual(['outer']);
        expect(h.emu.callCount).toBe(0);
        const { arg } = expectInjectedOnce(reply.body, bytes(pageWith(undefined)), h.emu.scriptSrc);
        expect(arg).toStrictEqual({ app_id: APP_ID });
      });
    }
  });
}
