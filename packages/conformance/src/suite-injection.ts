import { describe, expect, it } from 'vitest';
import type { Driver, RouteSpec } from './driver.js';
import { useHarness } from './support/harness.js';
import { bigPage, bytes, htmlRoute, PAGE, STYLES, split, splitAt } from './support/pages.js';
import { expectInjectedOnce } from './support/snippet.js';

/** Pages whose snippet must land in a given place. */
const PLACEMENTS: ReadonlyArray<{ title: string; page: string }> = [
  { title: 'injects exactly once before </body>', page: PAGE },
  {
    title: 'injects before an uppercase </BODY>',
    page: '<HTML><BODY><P>Größe</P></BODY></HTML>',
  },
  {
    title: 'injects before the last </html> when there is no </body>',
    page: '<html><p>no body tag, </html> twice</p></html>\n',
  },
  {
    title: 'injects at the end when there is neither </body> nor </html>',
    page: '<p>a fragment ✓</p>',
  },
  {
    title: 'injects before the last of two </body> tags',
    page: '<html><body><pre>&lt;/body&gt; </body> inside</pre></body></html>',
  },
];

/** Behaviour 6: where the snippet goes, for every way a route can send its body. */
export function injectionSuite(driver: Driver): void {
  const n = driver.name;
  for (const style of STYLES) {
    describe(`${n}: injection into a ${style} body`, () => {
      const h = useHarness(driver);

      /** Starts an app with these routes, requests each as alice, checks the snippet. */
      async function expectEachInjected(routes: RouteSpec[], pages: string[]) {
        const app = await h.start(routes, h.injecting());
        for (const [index, route] of routes.entries()) {
          const reply = await app.send(route.path, { user: 'alice' });
          expect(reply.status, route.path).toBe(200);
          const original = bytes(pages[index]!);
          const snippet = expectInjectedOnce(reply.body, original, h.emu.scriptSrc, route.path);
          expect(h.emu.verifyToken(String(snippet.arg.session_token))).toMatchObject({
            claims: { sub: 'alice' },
          });
        }
        expect(h.errors).toEqual([]);
      }

      for (const { title, page } of PLACEMENTS) {
        it(`${n}: ${title} (${style} body)`, async () => {
          await expectEachInjected([htmlRoute('/page', style, page)], [page]);
        });
      }

      it(`${n}: injects before the last </body> when the tag is split across chunks (${style} body)`, async () => {
        const at = Buffer.from(PAGE).indexOf('</body>');
        const cuts = [1, 2, 3, 4, 5, 6].map((k) => at + k);
        const routes = cuts.map((cut) => htmlRoute(`/split-${cut}`, style, splitAt(PAGE, cut)));
        // And every tag cut at every byte at once, multi-byte characters included.
        routes.push(htmlRoute('/bytes', style, split(PAGE, 1)));
        await expectEachInjected(routes, [...cuts.map(() => PAGE), PAGE]);
      });

      it(`${n}: keeps multi-byte UTF-8 around the tag byte-identical (${style} body)`, async () => {
        const page = '<body>日本語😀é</body>€𝄞\n</html>';
        const routes = [3, 5, 13].map((size) =>
          htmlRoute(`/utf8-${size}`, style, split(page, size)),
        );
        await expectEachInjected(routes, [page, page, page]);
      });

      it(`${n}: injects once into a 2 MB page, every other byte identical (${style} body)`, async () => {
        const page = bigPage();
        await expectEachInjected([htmlRoute('/big', style, split(page, 65_537))], [page]);
      });
    });
  }
}
