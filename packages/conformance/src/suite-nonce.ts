import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { useHarness } from './support/harness.js';
import { bytes, HTML, htmlRoute, PAGE } from './support/pages.js';
import { expectInjectedOnce } from './support/snippet.js';

/** Policies set by the route, and the nonce both script tags must carry. */
const POLICIES: ReadonlyArray<{ what: string; csp: string; nonce: string }> = [
  {
    what: 'script-src',
    csp: "script-src 'self' 'nonce-r4nd0m'",
    nonce: 'r4nd0m',
  },
  {
    what: 'script-src-elem over script-src',
    csp: "default-src 'nonce-d3f'; script-src 'nonce-scr1pt'; script-src-elem 'nonce-3lem'",
    nonce: '3lem',
  },
  {
    what: 'default-src when no script directive is there',
    csp: "default-src 'self' 'nonce-f4llb4ck'; img-src *",
    nonce: 'f4llb4ck',
  },
];

/** Behaviour 6: CSP nonces on both script tags. */
export function nonceSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: CSP nonces`, () => {
    const h = useHarness(driver);

    it(`${n}: puts the nonce given by the nonce option on both script tags`, async () => {
      const app = await h.start(
        [htmlRoute('/page', 'chunks')],
        h.injecting({ nonce: () => 'abc123' }),
      );
      for (const user of ['alice', undefined]) {
        const reply = await app.send('/page', user === undefined ? {} : { user });
        const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
        expect(snippet.loader.nonce).toBe('abc123');
        expect(snippet.inline.nonce).toBe('abc123');
      }
    });

    for (const { what, csp, nonce } of POLICIES) {
      it(`${n}: takes the nonce from the route's Content-Security-Policy ${what}`, async () => {
        const headers = { 'content-type': HTML, 'content-security-policy': csp };
        const app = await h.start([htmlRoute('/page', 'stream', PAGE, { headers })], h.injecting());
        const reply = await app.send('/page', { user: 'alice' });
        expect(reply.header('content-security-policy')).toBe(csp);
        const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
        expect(snippet.loader.nonce).toBe(nonce);
        expect(snippet.inline.nonce).toBe(nonce);
      });
    }

    it(`${n}: falls back to the header's nonce when the nonce option returns undefined`, async () => {
      const headers = {
        'content-type': HTML,
        'content-security-policy': "script-src 'nonce-h34d3r'",
      };
      const inject = h.injecting({ nonce: () => undefined });
      const app = await h.start([htmlRoute('/page', 'string', PAGE, { headers })], inject);
      const snippet = expectInjectedOnce(
        (await app.send('/page')).body,
        bytes(PAGE),
        h.emu.scriptSrc,
      );
      expect([snippet.loader.nonce, snippet.inline.nonce]).toEqual(['h34d3r', 'h34d3r']);
    });

    it(`${n}: puts no nonce on the tags when neither the option nor a policy gives one`, async () => {
      const app = await h.start([htmlRoute('/page', 'string')], h.injecting());
      const snippet = expectInjectedOnce(
        (await app.send('/page')).body,
        bytes(PAGE),
        h.emu.scriptSrc,
      );
      expect([snippet.loader.nonce, snippet.inline.nonce]).toEqual([undefined, undefined]);
    });
  });
}
