import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BodyStyle } from '../../conformance/src/driver.js';
import { startFailure } from '../../conformance/src/support/harness.js';
import type { LogCapture } from '../../conformance/src/support/logs.js';
import { bytes, HTML, PAGE } from '../../conformance/src/support/pages.js';
import { expectInjectedOnce } from '../../conformance/src/support/snippet.js';
import { resolverFor } from '../../conformance/src/support/users.js';
import type { Evidence } from './support/evidence.js';
import { evidencePerTest } from './support/evidence-per-test.js';
import { shoot } from './support/load.js';
import { AAT, ADAPTERS, APP_ID } from './support/setup.js';
import { runInit, scriptsOf } from './support/snippet-dom.js';
import { createSummary } from './support/summary.js';

const summary = createSummary('hostile-snippet');
const RUNS_PER_ADAPTER = 50;

const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom(
    '</script>',
    '</SCRIPT >',
    '<!--',
    '-->',
    '<script>',
    '<!--<script>',
    '\u2028',
    '\u2029',
    '&lt;',
    ']]>',
    `\${alert(1)}`, // a template placeholder, as text
    '\\',
    '"',
    "'",
    '`',
    '\u0000',
    '\uD800',
  ),
);
const hostileKey = fc.oneof(
  hostileText,
  fc.constantFrom('app_id', 'session_token', '__proto__', 'constructor', 'toString', 'theme'),
);
const json = fc.jsonValue({ maxDepth: 3 });
const initOptions = fc.dictionary(hostileKey, fc.oneof(json, hostileText), { maxKeys: 6 });
/** Where the body is cut into chunks, for the streaming styles. */
const cuts = fc.uniqueArray(fc.integer({ min: 1, max: bytes(PAGE).length - 1 }), { maxLength: 6 });

/** What the page's script must pass to plugSDK.init: JSON's view, without `__proto__` keys. */
function expectedArg(options: Record<string, unknown>, token: unknown): unknown {
  const { app_id: _a, session_token: _s, ...rest } = options;
  const arg = { app_id: APP_ID, ...(token === undefined ? {} : { session_token: token }), ...rest };
  return JSON.parse(JSON.stringify(arg, (key, value) => (key === '__proto__' ? undefined : value)));
}

let emu: Emulator;
let logs: LogCapture;
let evidence: Evidence;
const figures: Record<string, number> = {};

beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
  summary.add({ scenario: 'random initOptions through real adapter pages', ...figures });
  summary.print();
});
evidencePerTest((e, l) => {
  evidence = e;
  logs = l;
});

describe('random initOptions through a real adapter page, parsed by parse5 and run by V8', () => {
  for (const driver of ADAPTERS) {
    it(`${driver.name}: one inline init script whose argument round-trips, the page otherwise unchanged`, async () => {
      const original = bytes(PAGE);
      await fc.assert(
        fc.asyncProperty(
          initOptions,
          fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
          fc.constantFrom<BodyStyle>('string', 'buffer', 'chunks', 'stream'),
          cuts,
          async (options, userNumber, style, at) => {
            const user = userNumber === undefined ? undefined : `u-${userNumber}`;
            const points = [0, ...[...at].sort((a, b) => a - b), original.length];
            const chunks = points.slice(1).map((end, i) => original.subarray(points[i], end));
            const app = await driver.start({
              routes: [{ path: '/page', style, chunks, headers: { 'content-type': HTML } }],
              log: logs.sink,
              options: {
                appAccessToken: AAT,
                endpoint: emu.endpoint,
                appId: APP_ID,
                injectScript: { scriptSrc: emu.scriptSrc, initOptions: options },
                resolveUser: resolverFor((req) => driver.header(req, 'x-user'), []),
                onError: (error: PlugSessionError) => {
                  evidence.error(error);
                  evidence.problem(`onError: ${error.code} ${error.message}`);
                },
              },
            });
            try {
              const sample = await shoot(app.url, { path: '/page', user });
              const judged = evidence.reply(sample, {
                scriptSrc: emu.scriptSrc,
                routes: { '/page': { kind: 'page', original } },
                genuine: (token) => emu.verifyToken(token).valid,
              });
              expect(judged.problems).toEqual([]);
              const body = sample.reply!.body;
              const snippet = expectInjectedOnce(body, original, emu.scriptSrc);
              expect(
                /^[\x20-\x7e]*$/.test(body.subarray(snippet.start, snippet.end).toString('latin1')),
              ).toBe(true);
              const expected = expectedArg(options, judged.token);
              expect(JSON.parse(snippet.argText)).toEqual(expected);
              const page = scriptsOf(sample.reply!.text);
              expect(page.sources).toEqual([emu.scriptSrc]);
              expect(page.inline).toHaveLength(1);
              const init = runInit(page.inline[0]!);
              expect(init.calls).toBe(1);
              expect(init.plainProto).toBe(true);
              expect(JSON.parse(init.argJson)).toEqual(expected);
              figures[driver.name] = (figures[driver.name] ?? 0) + 1;
            } finally {
              await app.close();
            }
          },
        ),
        { numRuns: RUNS_PER_ADAPTER },
      );
    });
  }
});

describe('initOptions that cannot be written as JSON', () => {
  const cycle: Record<string, unknown> = { theme: 'dark' };
  cycle.self = cycle;
  const unwritable: ReadonlyArray<[string, Record<string, unknown>]> = [
    ['a BigInt', { seats: 10n }],
    ['a cycle', cycle],
    [
      'a throwing toJSON',
      {
        theme: {
          toJSON() {
            throw new Error('no');
          },
        },
      },
    ],
  ];
  for (const driver of ADAPTERS) {
    for (const [what, options] of unwritable) {
      it(`${driver.name}: fail at start-up naming injectScript.initOptions, with ${what}`, async () => {
        const error = await startFailure(driver, {
          appAccessToken: AAT,
          endpoint: emu.endpoint,
          appId: APP_ID,
          injectScript: { scriptSrc: emu.scriptSrc, initOptions: options },
          resolveUser: () => null,
        });
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain('initOptions');
      });
    }
  }
});
