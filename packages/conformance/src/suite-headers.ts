import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { useHarness } from './support/harness.js';
import { bytes, HTML, htmlRoute, PAGE, STYLES } from './support/pages.js';
import { expectInjectedOnce } from './support/snippet.js';

const VALIDATORS = { etag: '"v1-original"', 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' };
const SHARED = 'public, max-age=600, s-maxage=600';

/** The directive names of a cache-control header, lower-cased. */
const directives = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim().split('=')[0]!.toLowerCase())
    .filter((name) => name !== '');

/** Behaviour 6: the headers of an injected page. */
export function headersSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: headers of an injected page`, () => {
    const h = useHarness(driver);

    it(`${n}: gives content-length, when present, the new byte length`, async () => {
      const length = String(Buffer.byteLength(PAGE));
      const routes = STYLES.flatMap((style) => [
        htmlRoute(`/${style}`, style),
        // A length the route computed for the original body must not survive.
        htmlRoute(`/${style}-sized`, style, PAGE, {
          headers: { 'content-type': HTML, 'content-length': length },
        }),
      ]);
      const app = await h.start(routes, h.injecting());
      for (const route of routes) {
        for (const user of ['alice', undefined]) {
          const reply = await app.send(route.path, user === undefined ? {} : { user });
          expect(reply.status, route.path).toBe(200);
          expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
          const declared = reply.header('content-length');
          if (declared !== undefined) expect(declared, route.path).toBe(String(reply.body.length));
        }
      }
    });

    it(`${n}: removes the etag and last-modified of the original body`, async () => {
      const headers = { 'content-type': HTML, ...VALIDATORS };
      const routes = STYLES.map((style) => htmlRoute(`/${style}`, style, PAGE, { headers }));
      const app = await h.start(routes, h.injecting());
      for (const route of routes) {
        for (const user of ['alice', undefined]) {
          const reply = await app.send(route.path, user === undefined ? {} : { user });
          expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
          expect(reply.header('etag'), route.path).not.toBe(VALIDATORS.etag);
          expect(reply.header('last-modified'), route.path).toBeUndefined();
        }
      }
    });

    it(`${n}: makes a page carrying a session token private and no-store`, async () => {
      const routes = STYLES.flatMap((style) => [
        htmlRoute(`/${style}`, style, PAGE, {
          headers: { 'content-type': HTML, 'cache-control': SHARED },
        }),
        htmlRoute(`/${style}-bare`, style),
      ]);
      const app = await h.start(routes, h.injecting());
      for (const route of routes) {
        const reply = await app.send(route.path, { user: 'alice' });
        expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
        const names = directives(reply.header('cache-control'));
        expect(names, route.path).toEqual(expect.arrayContaining(['private', 'no-store']));
        for (const shared of ['public', 'max-age', 's-maxage']) {
          expect(names, route.path).not.toContain(shared);
        }
      }
    });

    it(`${n}: keeps the cache-control of a page injected for an anonymous visitor`, async () => {
      const headers = { 'content-type': HTML, 'cache-control': SHARED };
      const routes = STYLES.map((style) => htmlRoute(`/${style}`, style, PAGE, { headers }));
      const app = await h.start(routes, h.injecting());
      for (const route of routes) {
        const reply = await app.send(route.path);
        expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
        expect(reply.header('cache-control'), route.path).toBe(SHARED);
      }
    });
  });
}
