import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlugSessionError, PlugSessionOptions } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFailure } from '../../conformance/src/support/harness.js';
import { dumpReply, type Reply, send } from '../../conformance/src/support/http.js';
import type { LogCapture } from '../../conformance/src/support/logs.js';
import { bytes, echoRoute, HTML, htmlRoute, PAGE } from '../../conformance/src/support/pages.js';
import { expectInjectedOnce, expectUntouched } from '../../conformance/src/support/snippet.js';
import { resolverFor } from '../../conformance/src/support/users.js';
import type { Evidence } from './support/evidence.js';
import { evidencePerTest } from './support/evidence-per-test.js';
import { shoot } from './support/load.js';
import { AAT, AAT_MARK, ADAPTERS, APP_ID } from './support/setup.js';
import { runInit, scriptsOf } from './support/snippet-dom.js';
import { createSummary } from './support/summary.js';

type Options = PlugSessionOptions<unknown>;
const summary = createSummary('smuggling');
const ORIGINAL = bytes(PAGE);
let emu: Emulator;
let logs: LogCapture;
let evidence: Evidence;
const figures = { startupRefusals: 0, hostileTokens: 0, hostileNonces: 0, fuzzedNonces: 0 };

beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
  summary.add({ scenario: 'header smuggling', ...figures });
  summary.print();
});
evidencePerTest((e, l) => {
  evidence = e;
  logs = l;
}, 'no AAT in any log line or error');

const base = (driver: (typeof ADAPTERS)[number], extra: Partial<Options> = {}): Options => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  resolveUser: resolverFor((req) => driver.header(req, 'x-user'), []),
  onError: (error) => evidence.error(error),
  ...extra,
});

/**
 * No header of the answer is a cookie, no header value carries a line break or the payload,
 * and the AAT is nowhere in it.
 */
function expectCleanHeaders(reply: Reply, payload: string) {
  expect(dumpReply(reply)).not.toContain(AAT_MARK);
  expect(reply.headers['set-cookie']).toBeUndefined();
  for (const [name, value] of Object.entries(reply.headers)) {
    for (const text of [value ?? ''].flat()) {
      expect(text, `header ${name}`).not.toMatch(/[\r\n]/);
      expect(text, `header ${name}`).not.toContain(payload);
    }
  }
}

const SMUGGLED = 'Set-Cookie: smuggled=1';

/** Option values that try to add a header line, and the option each must name. */
const REFUSED: ReadonlyArray<{ what: string; option: string; extra: Partial<Options> }> = [
  ...['\r\n', '\n', '\r', '\0'].flatMap((brk) => [
    {
      what: `endpoint with ${JSON.stringify(brk)}`,
      option: 'endpoint',
      extra: { endpoint: `http://127.0.0.1:9/internal/auth-tokens.create${brk}${SMUGGLED}` },
    },
    {
      what: `appAccessToken with ${JSON.stringify(brk)}`,
      option: 'appAccessToken',
      extra: { appAccessToken: `${AAT}${brk}${SMUGGLED}` },
    },
  ]),
  // Characters no header value may hold: undici refused them on every request instead.
  ...['\x01', '\x7f', '\u2028', '\u{1F600}'].map((char) => ({
    what: `appAccessToken with ${JSON.stringify(char)}`,
    option: 'appAccessToken',
    extra: { appAccessToken: `${AAT}${char}x` },
  })),
  {
    what: 'appId with CR/LF',
    option: 'appId',
    extra: { appId: `app\r\n${SMUGGLED}`, injectScript: true },
  },
  {
    what: 'injectScript.scriptSrc with CR/LF',
    option: 'scriptSrc',
    extra: { appId: APP_ID, injectScript: { scriptSrc: `https://x.test/plug.js\r\n${SMUGGLED}` } },
  },
  {
    what: 'tokenRoute with CR/LF',
    option: 'tokenRoute',
    extra: { tokenRoute: `/plug\r\n${SMUGGLED}` },
  },
];

describe('options that try to smuggle a header line fail at start-up, naming the option', () => {
  for (const driver of ADAPTERS) {
    for (const { what, option, extra } of REFUSED) {
      it(`${driver.name}: refuses ${what}`, async () => {
        const error = await startFailure(driver, base(driver, extra));
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(option);
        expect((error as Error).message).not.toContain(AAT_MARK);
        expect((error as Error).message).not.toContain('smuggled');
        figures.startupRefusals += 1;
      });
    }
  }
});

/** DevRev, as a hostile or broken server: every call gets `token` as its access_token. */
async function fakeDevRev(
  token: string,
): Promise<{ endpoint: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    calls += 1;
    req.resume();
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_in: 3600, token_type: 'bearer' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/internal/auth-tokens.create`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HOSTILE_TOKENS: ReadonlyArray<[string, string]> = [
  ['CR/LF and a header', `abc\r\n${SMUGGLED}`],
  ['a bare LF and a header', `abc\n${SMUGGLED}\n\n<script>alert(1)</script>`],
  ['a closing script tag', 'abc</script><script>alert(document.cookie)</script>'],
  ['an HTML comment opener', 'abc<!--<script>'],
  ['U+2028 and U+2029', 'abc\u2028\u2029def'],
  ['quotes and backslashes', `a"b'c\\d\`e`],
  ['non-ASCII', 'jeton-été-😀'],
  ['60 KB', `t${'x'.repeat(60_000)}`],
];

describe('a session token from DevRev that tries to smuggle a header or markup', () => {
  for (const driver of ADAPTERS) {
    for (const [what, token] of HOSTILE_TOKENS) {
      it(`${driver.name}: keeps ${what} inside the JSON of the page, the token route and the request`, async () => {
        const devrev = await fakeDevRev(token);
        const app = await driver.start({
          routes: [
            htmlRoute('/page', 'string'),
            htmlRoute('/stream', 'stream'),
            echoRoute('/echo'),
          ],
          log: logs.sink,
          options: base(driver, {
            endpoint: devrev.endpoint,
            appId: APP_ID,
            injectScript: { scriptSrc: emu.scriptSrc },
            tokenRoute: '/plug/session',
          }),
        });
        try {
          for (const path of ['/page', '/stream']) {
            const { reply } = await shoot(app.url, { path, user: 'u-1' });
            expect(reply?.status).toBe(200);
            expectCleanHeaders(reply!, 'smuggled');
            expect(reply!.body.includes('\r\nSet-Cookie')).toBe(false);
            expectInjectedOnce(reply!.body, ORIGINAL, emu.scriptSrc);
            const page = scriptsOf(reply!.text);
            expect(page.sources).toEqual([emu.scriptSrc]);
            expect(page.inline).toHaveLength(1);
            const init = runInit(page.inline[0]!);
            expect(init.calls).toBe(1);
            expect(JSON.parse(init.argJson)).toEqual({ app_id: APP_ID, session_token: token });
          }
          const route = (await shoot(app.url, { path: '/plug/session', user: 'u-1' })).reply!;
          expectCleanHeaders(route, 'smuggled');
          expect(route.json()).toMatchObject({ session_token: token });
          const echoed = (await shoot(app.url, { path: '/echo', user: 'u-1' })).reply!;
          expectCleanHeaders(echoed, 'smuggled');
          expect(echoed.json()).toEqual({ token, seen: true });
          expect(devrev.calls()).toBe(1);
          figures.hostileTokens += 1;
        } finally {
          await app.close();
          await devrev.close();
        }
      });
    }
  }
});

const HOSTILE_NONCES = [
  `abc\r\n${SMUGGLED}`,
  'abc\nx',
  'a" onload="alert(1)',
  '</script><script>alert(1)</script>',
  "r4nd0m' 'unsafe-inline",
  'x'.repeat(257),
  'nonce with spaces',
  'été',
  '',
];

describe('a nonce that tries to smuggle a header or an attribute is refused: INVALID_NONCE, no injection', () => {
  for (const driver of ADAPTERS) {
    it(`${driver.name}: from the nonce option`, async () => {
      for (const nonce of HOSTILE_NONCES) {
        const errors: PlugSessionError[] = [];
        const app = await driver.start({
          routes: [htmlRoute('/page', 'string'), htmlRoute('/stream', 'chunks')],
          log: logs.sink,
          options: base(driver, {
            appId: APP_ID,
            injectScript: { scriptSrc: emu.scriptSrc, nonce: () => nonce },
            onError: (error) => {
              evidence.error(error);
              errors.push(error);
            },
          }),
        });
        try {
          for (const user of ['u-1', undefined]) {
            for (const path of ['/page', '/stream']) {
              const { reply } = await shoot(app.url, { path, user });
              expect(reply?.status).toBe(200);
              expectUntouched(reply!.body, ORIGINAL);
              expectCleanHeaders(reply!, 'smuggled');
            }
          }
          expect(errors.map((e) => e.code)).toEqual(Array(4).fill('INVALID_NONCE'));
          figures.hostileNonces += 1;
        } finally {
          await app.close();
        }
      }
    });

    it(`${driver.name}: from the page's Content-Security-Policy header`, async () => {
      // `nonce`: what both tags must carry; `false`: refused (INVALID_NONCE), page untouched.
      const cases: ReadonlyArray<{ csp: string; nonce: string | undefined | false }> = [
        // Not CSP nonce sources at all: ignored, the snippet goes in without a nonce.
        { csp: `script-src 'nonce-"><script>alert(1)</script>'`, nonce: undefined },
        { csp: "script-src 'nonce-été'", nonce: undefined },
        { csp: "script-src 'nonce-a b' 'nonce-'", nonce: undefined },
        // Only the well-formed source counts; what follows it is never copied.
        { csp: "script-src 'nonce-abc' onload=alert(1)'", nonce: 'abc' },
        // A nonce source too long for us: refused, the page is left alone.
        { csp: `script-src 'nonce-${'A'.repeat(300)}'`, nonce: false },
      ];
      for (const { csp, nonce } of cases) {
        const errors: PlugSessionError[] = [];
        const headers = { 'content-type': HTML, 'content-security-policy': csp };
        const app = await driver.start({
          routes: [htmlRoute('/page', 'string', PAGE, { headers })],
          log: logs.sink,
          options: base(driver, {
            appId: APP_ID,
            injectScript: { scriptSrc: emu.scriptSrc },
            onError: (error) => {
              evidence.error(error);
              errors.push(error);
            },
          }),
        });
        try {
          const { reply } = await shoot(app.url, { path: '/page', user: 'u-1' });
          expect(reply?.status).toBe(200);
          // Node writes the headers and a string body as one UTF-8 string, so a non-ASCII
          // header value arrives UTF-8 encoded from a bare Fastify or Koa string page too; an
          // injected page is sent as the framework sent it.
          expect([csp, Buffer.from(csp).toString('latin1')]).toContain(
            reply!.header('content-security-policy'),
          );
          if (nonce !== false) {
            const snippet = expectInjectedOnce(reply!.body, ORIGINAL, emu.scriptSrc);
            expect([snippet.loader.nonce, snippet.inline.nonce]).toEqual([nonce, nonce]);
            expect(scriptsOf(reply!.text).scripts).toHaveLength(2);
            expect(errors).toEqual([]);
          } else {
            expectUntouched(reply!.body, ORIGINAL);
            expect(errors.map((e) => e.code)).toEqual(['INVALID_NONCE']);
          }
          figures.hostileNonces += 1;
        } finally {
          await app.close();
        }
      }
    });

    it(`${driver.name}: from a request header, for any printable value (fast-check)`, async () => {
      const app = await driver.start({
        routes: [htmlRoute('/page', 'string')],
        log: logs.sink,
        options: base(driver, {
          appId: APP_ID,
          injectScript: {
            scriptSrc: emu.scriptSrc,
            nonce: (req) => driver.header(req, 'x-nonce'),
          },
        }),
      });
      const validNonce = fc.stringMatching(/^[A-Za-z0-9+/_-]{1,40}={0,2}$/);
      const printable = fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 60,
      });
      try {
        await fc.assert(
          fc.asyncProperty(fc.oneof(validNonce, printable), async (nonce) => {
            const trimmed = nonce.trim();
            fc.pre(trimmed !== '');
            const reply = await send(app.url, '/page', {
              user: 'u-1',
              headers: { 'x-nonce': trimmed },
            });
            expect(reply.status).toBe(200);
            expectCleanHeaders(reply, 'smuggled');
            if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) && trimmed.length <= 256) {
              const snippet = expectInjectedOnce(reply.body, ORIGINAL, emu.scriptSrc);
              expect([snippet.loader.nonce, snippet.inline.nonce]).toEqual([trimmed, trimmed]);
            } else {
              expectUntouched(reply.body, ORIGINAL);
            }
            figures.fuzzedNonces += 1;
          }),
          { numRuns: 60 },
        );
      } finally {
        await app.close();
      }
    });
  }
});
