import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
// The examples' Chromium harness: the same browser, and the same watch for CSP violations,
// console errors and requests off the loopback interface.
import {
  type EmulatorRecord,
  emulatorRecord,
  launchChromium,
  type WatchedContext,
  watchedContext,
  widget,
} from '../../../../examples/test/support/browser.js';
import type { ConnectPlugOptions, connectPlug, PlugConnection } from '../../src/index.js';
import {
  AAT,
  APP_ID,
  type PageCsp,
  type PagePlugScript,
  startTestApp,
  type TestApp,
} from './test-app.js';

declare global {
  interface Window {
    connectPlug?: typeof connectPlug;
    plug?: PlugConnection;
    pending?: Array<Promise<void>>;
  }
}

export { APP_ID, emulatorRecord, widget };

/** One page of a test, watched, with what the suite checks after the test. */
export interface SpaPage extends WatchedContext {
  /** `console.warn` lines, in order. */
  warnings: string[];
  /** Requests for plug.js. */
  plugScriptRequests: string[];
  /** Console errors this test expects (Chromium logs every 503 a fetch gets as one). */
  expectedConsoleErrors: RegExp[];
  /** The URL of the one resource whose CSP violations this test expects (Chromium may report one block twice). */
  expectedBlockedUrl: string | undefined;
  /** At most this many token route requests at once. */
  expectedMaxInFlight: number;
}

export interface OpenOptions {
  plugScript?: PagePlugScript;
  csp?: PageCsp;
  /** Runs before the page is loaded (to route a request, say). */
  before?: (page: Page) => Promise<void>;
  /** Whether to wait for the page's `load` event (which a held async script delays). */
  waitForLoad?: boolean;
}

/** What a test calls connectPlug with; `withNonce` passes the page's own CSP nonce. */
export type ConnectOptions = Partial<ConnectPlugOptions> & { withNonce?: boolean };

/** A waitFor without a deadline of its own: the test's timeout is the only clock. */
export const NO_DEADLINE = { timeout: 0 };

/**
 * The hooks of a Chromium test file: an emulator as DevRev, the test app, one Chromium,
 * and after each test the checks every test must pass (no CSP violation, no console error,
 * nothing off the loopback interface, the AAT in no answer the browser got).
 */
export function chromiumSuite() {
  const suite = {} as { browser: Browser; emulator: Emulator; app: TestApp };
  let opened: Array<{ spa: SpaPage; bodies: Array<Promise<string>> }> = [];

  beforeAll(async () => {
    suite.emulator = await startEmulator({ appAccessToken: AAT });
    suite.app = await startTestApp(suite.emulator);
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.close();
    await suite.emulator?.close();
  });
  beforeEach(() => {
    suite.emulator.setFault(undefined);
    suite.emulator.clearCalls();
    suite.app.resetCounts();
  });
  afterEach(async () => {
    for (const { spa, bodies } of opened) {
      const answers = await Promise.all(bodies);
      await spa.context.close();
      expect(answers.join('\n')).not.toContain(AAT);
      expect(spa.violations.filter((v) => v.blocked !== spa.expectedBlockedUrl)).toEqual([]);
      const unexpected = spa.consoleErrors.filter(
        (error) => !spa.expectedConsoleErrors.some((pattern) => pattern.test(error.text)),
      );
      expect(unexpected).toEqual([]);
      expect(spa.offLoopback).toEqual([]);
      expect(suite.app.route.maxInFlight).toBeLessThanOrEqual(spa.expectedMaxInFlight);
    }
    opened = [];
  });

  /** Opens the single-page app and waits until its module has loaded connectPlug. */
  async function open(options: OpenOptions = {}): Promise<SpaPage> {
    const watched = await watchedContext(suite.browser);
    const spa: SpaPage = {
      ...watched,
      warnings: [],
      plugScriptRequests: [],
      expectedConsoleErrors: [],
      expectedBlockedUrl: undefined,
      expectedMaxInFlight: 1,
    };
    const bodies: Array<Promise<string>> = [];
    opened.push({ spa, bodies });
    const { page } = watched;
    page.on('console', (message) => {
      if (message.type() === 'warning') spa.warnings.push(message.text());
    });
    page.on('request', (request) => {
      if (request.url() === suite.emulator.scriptSrc) spa.plugScriptRequests.push(request.url());
    });
    page.on('response', (response) => {
      if (response.url().startsWith(suite.app.url)) bodies.push(response.text().catch(() => ''));
    });
    await options.before?.(page);
    await page.goto(suite.app.pageUrl(options.plugScript, options.csp), {
      waitUntil: options.waitForLoad === false ? 'domcontentloaded' : 'load',
    });
    await page.waitForFunction(() => window.connectPlug !== undefined, undefined, NO_DEADLINE);
    return spa;
  }

  /** `window.plug = connectPlug(…)` in the page; resolves with `ready`. */
  function connect(page: Page, options: ConnectOptions = {}): Promise<void> {
    return page.evaluate(
      ({ withNonce, ...rest }) => {
        const nonce = withNonce
          ? document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce
          : undefined;
        window.plug = window.connectPlug!({ ...rest, ...(nonce ? { nonce } : {}) } as never);
        return window.plug.ready;
      },
      { appId: APP_ID, scriptSrc: suite.emulator.scriptSrc, ...options },
    );
  }

  return { suite, open, connect };
}

/** Signs in (or out, without a user) as a single-page app does: a fetch that sets the cookie. */
export function signIn(page: Page, user: string | undefined): Promise<void> {
  return page.evaluate(async (who) => {
    await fetch(who ? `/signin?user=${who}` : '/signout', { method: 'POST' });
  }, user);
}

/** `window.plug.identify()`, awaited in the page. */
export function identify(page: Page): Promise<void> {
  return page.evaluate(() => window.plug!.identify());
}

/** Signs in or out, then calls `identify()`: what an app does on every change of user. */
export async function switchTo(page: Page, user: string | undefined): Promise<void> {
  await signIn(page, user);
  await identify(page);
}

/** What plug.js recorded: `init` calls (session_token kept only as whether there was one). */
export async function plugCalls(
  page: Page,
): Promise<{ inits: Array<'anonymous' | 'token'>; shutdowns: number; record: EmulatorRecord }> {
  const record = (await emulatorRecord(page)) ?? { inits: [], shutdowns: 0 };
  return {
    inits: record.inits.map((init) => ('session_token' in init ? 'token' : 'anonymous')),
    shutdowns: record.shutdowns,
    record,
  };
}

/** Waits for the stand-in widget to show a user (verified by the emulator) or an anonymous visitor. */
export async function waitForWidget(page: Page, userRef?: string): Promise<void> {
  await page.waitForSelector(
    userRef ? widget('identified', userRef) : widget('anonymous'),
    NO_DEADLINE,
  );
}
