import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../conformance/src/support/logs.js';
import { bytes, echoRoute, htmlRoute, PAGE } from '../../conformance/src/support/pages.js';
import { resolverFor } from '../../conformance/src/support/users.js';
import { type AppFacts, Evidence } from './support/evidence.js';
import { maxOf, percentile, runLoad, type Shot, shuffled } from './support/load.js';
import { AAT, ADAPTERS, APP_ID } from './support/setup.js';
import { createSummary, ms } from './support/summary.js';

const USERS = 200;
const REQUESTS_PER_USER = 20;
const CONCURRENCY = 50;
const PATHS = ['/page', '/stream', '/echo', '/plug/session'];
const summary = createSummary('isolation');

let emu: Emulator;
let logs: LogCapture;
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
  summary.print();
});
beforeEach(() => {
  emu.clearCalls();
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe(`${USERS} users × ${REQUESTS_PER_USER} interleaved requests, ${CONCURRENCY} at a time`, () => {
  for (const driver of ADAPTERS) {
    it(`${driver.name}: every answer holds its own user's token, one DevRev call per user`, async () => {
      const evidence = new Evidence();
      const app = await driver.start({
        routes: [htmlRoute('/page', 'string'), htmlRoute('/stream', 'stream'), echoRoute('/echo')],
        log: logs.sink,
        options: {
          appAccessToken: AAT,
          endpoint: emu.endpoint,
          appId: APP_ID,
          injectScript: { scriptSrc: emu.scriptSrc },
          tokenRoute: '/plug/session',
          timeoutMs: 2000,
          resolveUser: resolverFor((req) => driver.header(req, 'x-user'), []),
          onError: (error) => {
            evidence.error(error);
            evidence.problem(`onError: ${error.code}`);
          },
        },
      });
      const facts: AppFacts = {
        scriptSrc: emu.scriptSrc,
        routes: {
          '/page': { kind: 'page', original: bytes(PAGE) },
          '/stream': { kind: 'page', original: bytes(PAGE) },
          '/echo': { kind: 'echo' },
          '/plug/session': { kind: 'token-route' },
        },
        genuine: (token) => emu.verifyToken(token).valid,
      };
      const shots: Shot[] = [];
      for (let user = 0; user < USERS; user++) {
        for (let n = 0; n < REQUESTS_PER_USER; n++) {
          shots.push({ user: `u-${user}`, path: PATHS[(user + n) % PATHS.length]! });
        }
      }
      let samples: Awaited<ReturnType<typeof runLoad>>;
      try {
        samples = await runLoad(app.url, shuffled(shots, 42), { concurrency: CONCURRENCY });
      } finally {
        await app.close();
      }
      const tokensOf = new Map<string, Set<string>>();
      let withToken = 0;
      for (const sample of samples) {
        const { token } = evidence.reply(sample, facts);
        if (token === undefined) continue;
        withToken += 1;
        const seen = tokensOf.get(sample.user!) ?? new Set();
        tokensOf.set(sample.user!, seen.add(token));
      }
      evidence.logs(logs.lines);
      const latencies = samples.map((s) => s.ms);
      const oneTokenEach = [...tokensOf.values()].every((tokens) => tokens.size === 1);
      summary.add({
        scenario: driver.name,
        requests: samples.length,
        withOwnToken: withToken,
        users: tokensOf.size,
        calls: emu.callCount,
        oneTokenPerUser: oneTokenEach,
        p50Ms: ms(percentile(latencies, 50)),
        worstMs: ms(maxOf(latencies)),
        problems: evidence.problemCount,
      });
      expect(evidence.problems).toEqual([]);
      expect(samples).toHaveLength(USERS * REQUESTS_PER_USER);
      expect(withToken).toBe(USERS * REQUESTS_PER_USER);
      expect(tokensOf.size).toBe(USERS);
      expect(oneTokenEach).toBe(true);
      expect(emu.callCount).toBe(USERS);
    });
  }
});
