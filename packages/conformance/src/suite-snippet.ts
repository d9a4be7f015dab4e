import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { APP_ID, echo, useHarness } from './support/harness.js';
import { bytes, countOf, echoRoute, htmlRoute, PAGE } from './support/pages.js';
import { expectInjectedOnce, expectSameBytes, expectUntouched } from './support/snippet.js';

const XSS = '</script><script>alert(1)</script>';

/** Behaviour 6: what the snippet says, and when a page is left alone. */
export function snippetSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: the snippet`, () => {
    const h = useHarness(driver);
    const page = () => htmlRoute('/page', 'string');

    it(`${n}: loads scriptSrc, then calls plugSDK.init with the app id and the user's token`, async () => {
      const app = await h.start([page()], h.injecting());
      const reply = await app.send('/page', { user: 'alice' });
      const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
      expect(snippet.loader).toEqual({ src: h.emu.scriptSrc });
      expect(snippet.inline.nonce).toBeUndefined();
      expect(Object.keys(snippet.arg).sort()).toEqual(['app_id', 'session_token']);
      expect(snippet.arg.app_id).toBe(APP_ID);
      const verified = h.emu.verifyToken(String(snippet.arg.session_token));
      expect(verified).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    });

    it(`${n}: gives an anonymous visitor a snippet without a session_token key`, async () => {
      const app = await h.start([page()], h.injecting());
      const reply = await app.send('/page');
      const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
      expect(snippet.arg).toStrictEqual({ app_id: APP_ID });
      expect(h.emu.callCount).toBe(0);
    });

    it(`${n}: merges initOptions, which cannot override app_id or session_token`, async () => {
      const initOptions = {
        theme: 'dark',
        spacing: { bottom: '8px' },
        app_id: 'x',
        session_token: 'x',
      };
      const app = await h.start([page()], h.injecting({ initOptions }));
      const identified = expectInjectedOnce(
        (await app.send('/page', { user: 'alice' })).body,
        bytes(PAGE),
        h.emu.scriptSrc,
      ).arg;
      expect(identified).toMatchObject({
        app_id: APP_ID,
        theme: 'dark',
        spacing: { bottom: '8px' },
      });
      expect(h.emu.verifyToken(String(identified.session_token))).toMatchObject({ valid: true });
      const anonymous = expectInjectedOnce(
        (await app.send('/page')).body,
        bytes(PAGE),
        h.emu.scriptSrc,
      );
      expect(anonymous.arg).toStrictEqual({
        app_id: APP_ID,
        theme: 'dark',
        spacing: { bottom: '8px' },
      });
    });

    it(`${n}: escapes script-breaking text in initOptions so it stays data`, async () => {
      const initOptions = { accent_color: XSS, custom: 'a\u2028b\u2029c <!-- & -->' };
      const app = await h.start([page()], h.injecting({ initOptions }));
      const reply = await app.send('/page', { user: 'alice' });
      const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
      expect(
        countOf(reply.text.toLowerCase(), '<script'),
        'the only <script> tags are the snippet’s',
      ).toBe(2);
      expect(reply.text).not.toContain('</script><script>alert');
      expect(snippet.argText).not.toMatch(/[<>&\u2028\u2029]/);
      expect(snippet.arg).toMatchObject(initOptions);
    });

    it(`${n}: injects nothing for anonymous visitors when anonymous is false`, async () => {
      const app = await h.start([page()], h.injecting({ anonymous: false }));
      expectUntouched((await app.send('/page')).body, bytes(PAGE));
      const identified = await app.send('/page', { user: 'alice' });
      expectInjectedOnce(identified.body, bytes(PAGE), h.emu.scriptSrc);
    });

    it(`${n}: leaves a page that already loads plug.js byte-identical`, async () => {
      const loaded = `<html><body><script src="${h.emu.scriptSrc}"></script></body></html>`;
      const app = await h.start([htmlRoute('/page', 'stream', loaded)], h.injecting());
      for (const user of ['alice', undefined]) {
        const reply = await app.send('/page', user === undefined ? {} : { user });
        expectSameBytes(reply.body, bytes(loaded));
      }
    });

    it(`${n}: injects once when mounted twice, with the outer mount's options`, async () => {
      const outer = h.injecting({ initOptions: { theme: 'outer' } });
      const inner = h.injecting({ initOptions: { theme: 'inner' } }, { appId: 'app-inner' });
      const app = await h.start([page()], outer, { innerMount: inner });
      for (const user of ['alice', undefined]) {
        const reply = await app.send('/page', user === undefined ? {} : { user });
        const snippet = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc);
        expect(snippet.arg).toMatchObject({ app_id: APP_ID, theme: 'outer' });
      }
    });

    it(`${n}: never trusts nor echoes a token set on the request before it ran`, async () => {
      const forgedToken = 'forged-token-4d1c';
      const app = await h.start([echoRoute(), page()], h.injecting(), { forgedToken });
      expect((await echo(app)).token).toBeNull();
      const identified = await echo(app, 'alice');
      expect(identified.token).not.toBe(forgedToken);
      expect(h.emu.verifyToken(identified.token ?? '')).toMatchObject({ valid: true });
      const anonymous = await app.send('/page');
      expect(anonymous.text).not.toContain(forgedToken);
      expect(expectInjectedOnce(anonymous.body, bytes(PAGE), h.emu.scriptSrc).arg).toStrictEqual({
        app_id: APP_ID,
      });
    });
  });
}
