import type { EmulatorFault } from '@plug-session/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { TIMEOUT_MS, UPSTREAM_FAILURES } from './suite-failures.js';
import { type App, type Options, useHarness } from './support/harness.js';
import { dumpReply, type Reply } from './support/http.js';
import { captureLogs, dumpError, type LogCapture } from './support/logs.js';
import { echoRoute, htmlRoute } from './support/pages.js';
import { THROWS } from './support/users.js';

/** A distinctive AAT that the emulator does not accept: without a fault, DevRev answers 401. */
export const SECRET = 'aat-SECRET-3b7c9e';

const SCENARIOS: ReadonlyArray<{ what: string; fault?: EmulatorFault; user: string }> = [
  { what: 'DevRev rejects the AAT', user: 'alice' },
  ...UPSTREAM_FAILURES.map(({ what, fault }) => ({ what, fault, user: 'alice' })),
  { what: 'the rev_info is invalid', user: 'bad-phone' },
  { what: 'resolveUser throws', user: THROWS },
];

const ROUTES = [echoRoute(), htmlRoute('/page', 'string')];

/** Requests every kind of page as `user` and as an anonymous visitor. */
async function visit(app: App, user: string): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const path of ['/echo', '/page', '/plug/session', '/plug/session?x=1']) {
    replies.push(await app.send(path, { user }));
    replies.push(await app.send(path));
  }
  return replies;
}

/** Lines of the capture that mention `code`. */
const mentioning = (logs: LogCapture, code: string) => logs.lines.filter((l) => l.includes(code));

/** Behaviour 5 and the AAT's secrecy: no response, log line or error ever holds it. */
export function secretsSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: the AAT stays secret`, () => {
    const h = useHarness(driver, { appAccessToken: 'aat-the-accepted-one', emulatorPerTest: true });
    let logs: LogCapture | undefined;
    afterEach(() => {
      logs?.restore();
      logs = undefined;
    });
    const options = (extra: Partial<Options> = {}) =>
      h.injecting(
        {},
        { appAccessToken: SECRET, tokenRoute: '/plug/session', timeoutMs: TIMEOUT_MS, ...extra },
      );

    for (const { what, fault, user } of SCENARIOS) {
      it(`${n}: never shows the AAT in a response, a log line or an error when ${what}`, async () => {
        logs = captureLogs();
        const app = await h.start(ROUTES, options(), { log: logs.sink });
        if (fault) h.emu.setFault(fault);
        const replies = await visit(app, user);
        expect(h.errors.length, 'the failure was reported').toBeGreaterThan(0);
        const shown = [...replies.map(dumpReply), ...logs.lines, ...h.errors.map(dumpError)];
        for (const text of shown) expect(text).not.toContain(SECRET);
      });
    }

    it(`${n}: warns once per code and cause by default, without the AAT`, async () => {
      logs = captureLogs();
      const app = await h.start(ROUTES, options({ onError: undefined }), { log: logs.sink });
      h.emu.setFault({ type: 'status', status: 400 });
      const replies = [
        await app.send('/echo', { user: 'alice' }),
        await app.send('/page', { user: 'alice' }),
      ];
      expect(mentioning(logs, 'BAD_REQUEST'), 'one warning for two 400s').toHaveLength(1);
      h.emu.setFault(undefined);
      for (const user of ['bad-phone', 'bad-phone', THROWS, THROWS]) {
        replies.push(await app.send('/echo', { user }));
      }
      expect(
        mentioning(logs, 'INVALID_REV_INFO'),
        'one warning for two invalid rev_infos',
      ).toHaveLength(1);
      expect(mentioning(logs, 'RESOLVER_FAILED'), 'one warning for two throws').toHaveLength(1);
      replies.push(await app.send('/echo', { user: 'bob' }));
      expect(
        mentioning(logs, 'UNAUTHORIZED').length,
        'a warning for the rejected AAT',
      ).toBeGreaterThan(0);
      for (const reply of replies) expect(reply.status).toBe(200);
      for (const text of [...replies.map(dumpReply), ...logs.lines])
        expect(text).not.toContain(SECRET);
    });
  });
}
