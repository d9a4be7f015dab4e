import type { PlugSessionErrorCode } from '@plug-session/core';
import type { EmulatorFault } from '@plug-session/emulator';
import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { type App, codesOf, echo, type Harness, useHarness } from './support/harness.js';
import { bytes, echoRoute, htmlRoute, PAGE } from './support/pages.js';
import { expectUntouched } from './support/snippet.js';
import { INVALID_USERS, REJECTS, THROWS } from './support/users.js';

/** A DevRev misbehaviour and the code it must end in. */
export interface UpstreamFailure {
  what: string;
  fault: EmulatorFault;
  code: PlugSessionErrorCode;
  /** `one`: not retried, so the first request makes exactly one call. */
  calls: 'one' | 'retried';
}

/** A small budget keeps failures quick; 429's Retry-After (30 s) exceeds it. */
export const TIMEOUT_MS = 300;

export const UPSTREAM_FAILURES: readonly UpstreamFailure[] = [
  {
    what: 'DevRev answers 401',
    fault: { type: 'status', status: 401 },
    code: 'UNAUTHORIZED',
    calls: 'one',
  },
  {
    what: 'DevRev answers 403',
    fault: { type: 'status', status: 403 },
    code: 'UNAUTHORIZED',
    calls: 'one',
  },
  {
    what: 'DevRev answers 400',
    fault: { type: 'status', status: 400 },
    code: 'BAD_REQUEST',
    calls: 'one',
  },
  {
    what: 'DevRev answers 404',
    fault: { type: 'status', status: 404 },
    code: 'BAD_REQUEST',
    calls: 'one',
  },
  {
    what: 'DevRev answers 409',
    fault: { type: 'status', status: 409 },
    code: 'BAD_REQUEST',
    calls: 'one',
  },
  {
    what: 'DevRev answers 429 with a Retry-After beyond the budget',
    fault: { type: 'status', status: 429, retryAfterSeconds: 30 },
    code: 'RATE_LIMITED',
    calls: 'one',
  },
  {
    what: 'DevRev answers 503 every time',
    fault: { type: 'status', status: 503 },
    code: 'UPSTREAM_UNAVAILABLE',
    calls: 'retried',
  },
  { what: 'DevRev never answers', fault: { type: 'hang' }, code: 'TIMEOUT', calls: 'one' },
  {
    what: 'DevRev drips its answer too slowly',
    fault: { type: 'drip', intervalMs: 200 },
    code: 'TIMEOUT',
    calls: 'one',
  },
  {
    what: 'DevRev resets the connection',
    fault: { type: 'reset' },
    code: 'NETWORK',
    calls: 'retried',
  },
  {
    what: 'DevRev answers a body that is not JSON',
    fault: { type: 'malformed' },
    code: 'BAD_RESPONSE',
    calls: 'one',
  },
  {
    what: 'DevRev answers without an access_token',
    fault: { type: 'no-token' },
    code: 'BAD_RESPONSE',
    calls: 'one',
  },
];

const routes = () => [echoRoute(), htmlRoute('/page', 'string')];

/**
 * The identified user's request carries no token and the page is the route's own, without
 * any snippet; `onError` has been told `code` once per request.
 */
async function expectFailOpen(h: Harness, app: App, user: string, code: PlugSessionErrorCode) {
  expect(await echo(app, user)).toMatchObject({ token: null });
  expect(codesOf(h.errors)).toEqual([code]);
  const page = await app.send('/page', { user });
  expect(page.status).toBe(200);
  expectUntouched(page.body, bytes(PAGE));
  expect(codesOf(h.errors)).toEqual([code, code]);
  await expectAnonymousWidget(app);
}

/** Injection is on in these apps: an anonymous visitor does get the widget. */
async function expectAnonymousWidget(app: App) {
  const anonymous = await app.send('/page');
  expect(anonymous.text, 'an anonymous visitor gets the widget').toContain('window.plugSDK.init(');
}

/** Behaviours 2 and 5: validation first; failures never break the page. */
export function failuresSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: failures never break the page`, () => {
    const h = useHarness(driver, { emulatorPerTest: true });

    for (const failure of UPSTREAM_FAILURES) {
      it(`${n}: fails open with ${failure.code} when ${failure.what}`, async () => {
        const timeoutMs = TIMEOUT_MS;
        const app = await h.start(routes(), h.injecting({}, { timeoutMs }));
        h.emu.setFault(failure.fault);
        const started = performance.now();
        expect(await echo(app, 'alice')).toMatchObject({ token: null });
        // The budget covers every attempt; generous slack for a loaded machine.
        expect(performance.now() - started).toBeLessThan(timeoutMs + 1500);
        expect(codesOf(h.errors)).toEqual([failure.code]);
        // How many retries fit the budget depends on the machine; that they happen at all is
        // checked where a retry succeeds, below.
        if (failure.calls === 'one') expect(h.emu.callCount, 'not retried').toBe(1);
        const page = await app.send('/page', { user: 'alice' });
        expect(page.status).toBe(200);
        expectUntouched(page.body, bytes(PAGE));
        expect(codesOf(h.errors)).toEqual([failure.code, failure.code]);
        await expectAnonymousWidget(app);
      });
    }

    const recoveries: ReadonlyArray<{ what: string; fault: EmulatorFault }> = [
      {
        what: 'a 429 with Retry-After: 0',
        fault: { type: 'status', status: 429, retryAfterSeconds: 0 },
      },
      {
        what: 'a 429 with Retry-After: 1',
        fault: { type: 'status', status: 429, retryAfterSeconds: 1 },
      },
      { what: 'a 500', fault: { type: 'status', status: 500 } },
      { what: 'a 503', fault: { type: 'status', status: 503 } },
      { what: 'a reset connection', fault: { type: 'reset' } },
    ];
    for (const { what, fault } of recoveries) {
      it(`${n}: retries after ${what} and reports nothing when the retry succeeds`, async () => {
        const app = await h.start(routes(), h.options({ timeoutMs: 2000 }));
        h.emu.enqueue(fault);
        const { token } = await echo(app, 'alice');
        expect(h.emu.verifyToken(token ?? '')).toMatchObject({ claims: { sub: 'alice' } });
        expect(h.emu.callCount).toBe(2);
        expect(h.errors).toEqual([]);
      });
    }

    for (const { key, what, path } of INVALID_USERS) {
      it(`${n}: reports INVALID_REV_INFO at ${path} for ${what}, without calling DevRev`, async () => {
        const app = await h.start(routes(), h.injecting());
        await expectFailOpen(h, app, key, 'INVALID_REV_INFO');
        const error = h.errors[0]!;
        expect(error.issues?.map((issue) => issue.path)).toContain(path);
        expect(error.message).toContain(path);
        expect(h.emu.callCount).toBe(0);
      });
    }

    for (const [user, how] of [
      [THROWS, 'throws'],
      [REJECTS, 'rejects'],
    ] as const) {
      it(`${n}: reports RESOLVER_FAILED when resolveUser ${how}`, async () => {
        const app = await h.start(routes(), h.injecting());
        await expectFailOpen(h, app, user, 'RESOLVER_FAILED');
        expect(h.emu.callCount).toBe(0);
      });
    }
  });
}
