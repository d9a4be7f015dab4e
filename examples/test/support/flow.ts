import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_USERS } from '../../shared/users.js';
import {
  emulatorRecord,
  launchChromium,
  type WatchedContext,
  watchedContext,
  widget,
} from './browser.js';

/** What each example's app.js exports as `startApp`. */
export type StartApp = (
  options: {
    aat: string;
    appId: string;
    endpoint: string;
    scriptSrc: string;
    plugHosts: string[];
    log: { info(message: string): void; error(message: string): void };
  },
  where: { port: number; host: string },
) => Promise<{ url: string; close(): Promise<void> }>;

const AAT = 'e2e-aat-not-a-real-secret';
const APP_ID = 'e2e-app';
const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const validUsers = SAMPLE_USERS.filter((user) => user.valid);
const invalidUser = SAMPLE_USERS.find((user) => !user.valid)!;
const LONG = { timeout: 15_000 };

/**
 * The browser flow of one example app: real Chromium, the app on 127.0.0.1:0, and an
 * emulator standing in for DevRev and plug.js.
 */
export function describeExample(framework: string, startApp: StartApp): void {
  describe(`the ${framework} example in Chromium`, () => {
    let browser: Browser;
    let emulator: Emulator;
    let app: { url: string; close(): Promise<void> };
    let watched: WatchedContext;
    let logs: string[] = [];
    /** Console errors a test expects (the 503 of the token route for an invalid user). */
    let expectedConsoleErrors: RegExp[] = [];

    beforeAll(async () => {
      emulator = await startEmulator({ appAccessToken: AAT });
      app = await startApp(
        {
          aat: AAT,
          appId: APP_ID,
          endpoint: emulator.endpoint,
          scriptSrc: emulator.scriptSrc,
          plugHosts: [emulator.url],
          log: { info: () => {}, error: (message) => logs.push(message) },
        },
        { port: 0, host: '127.0.0.1' },
      );
      browser = await launchChromium();
      mkdirSync(SCREENSHOTS, { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await emulator?.close();
    });

    beforeEach(async () => {
      logs = [];
      expectedConsoleErrors = [];
      emulator.clearCalls();
      watched = await watchedContext(browser);
    });

    afterEach(async () => {
      await watched.context.close();
      expect(watched.violations).toEqual([]);
      const unexpected = watched.consoleErrors.filter(
        (error) => !expectedConsoleErrors.some((pattern) => pattern.test(error.text)),
      );
      expect(unexpected).toEqual([]);
      expect(watched.offLoopback).toEqual([]);
      expect(logs.join('\n')).not.toContain(AAT);
    });

    const signInOnServer = async (id: string) => {
      const { page } = watched;
      await page.goto(`${app.url}/signin`);
      await page.click(`form button[data-user="${id}"]`);
      await page.waitForURL(`${app.url}/`);
    };

    it('shows an anonymous widget to a visitor who has not signed in', async () => {
      const { page } = watched;
      const response = await page.goto(`${app.url}/`);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toMatch(/script-src [^;]*'nonce-/);
      expect(csp).toContain(emulator.url);
      const element = await page.waitForSelector(widget('anonymous'), LONG);
      expect(await element.getAttribute('data-user-ref')).toBeNull();
      expect(await element.getAttribute('data-app-id')).toBe(APP_ID);
      // Both injected tags carry the header's nonce.
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      const nonces = await page.$$eval('script', (scripts) => scripts.map((s) => s.nonce));
      expect(nonces.filter((n) => n === nonce)).toHaveLength(2);
      const record = await emulatorRecord(page);
      expect(record?.inits).toEqual([{ app_id: APP_ID }]);
      expect(emulator.callCount).toBe(0);
    });

    it.each(validUsers.map((user) => [user.id, user] as const))(
      'identifies %s in the widget after sign-in, and forgets them after sign-out',
      async (id, user) => {
        const { page } = watched;
        await signInOnServer(id);
        const ref = user.revInfo.user_ref as string;
        const element = await page.waitForSelector(widget('identified', ref), LONG);
        expect(await element.textContent()).toContain(user.name);
        await expect
          .poll(() => emulator.verifications)
          .toContainEqual(expect.objectContaining({ valid: true, userRef: ref }));
        const record = await emulatorRecord(page);
        const token = record?.inits[0]?.session_token;
        expect(typeof token).toBe('string');
        const checked = emulator.verifyToken(token as string);
        expect(checked.valid && checked.claims).toMatchObject({
          sub: ref,
          ...(user.revInfo.account_ref ? { account_ref: user.revInfo.account_ref } : {}),
          ...(user.revInfo.workspace_ref ? { workspace_ref: user.revInfo.workspace_ref } : {}),
        });
        if (id === validUsers[0]!.id) {
          await page.screenshot({ path: `${SCREENSHOTS}${framework}-identified.png` });
        }

        await page.click('.who button');
        await page.waitForURL(`${app.url}/`);
        await page.waitForSelector(widget('anonymous'), LONG);
        expect(logs).toEqual([]);
      },
    );

    it('renders the page without a widget for a user with invalid traits, and logs why', async () => {
      const { page } = watched;
      await signInOnServer(invalidUser.id);
      expect(await page.locator('h1').textContent()).toBe(`Hello, ${invalidUser.name}`);
      expect(await page.content()).not.toContain(emulator.scriptSrc);
      expect(await page.evaluate(() => window.plugSDK)).toBeUndefined();
      expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
      expect(emulator.calls.filter((call) => call.revInfo?.user_ref === 'dana')).toEqual([]);
      const log = logs.join('\n');
      expect(log).toContain('INVALID_REV_INFO on GET /');
      expect(log).toContain('user_traits.phone_numbers.0');
      expect(log).toContain('nickname');
    });

    /** Clicks a user's button in the single-page view (none: Sign out), and waits until done. */
    const spaClick = async (id: string | undefined) => {
      const { page } = watched;
      await page.click(id ? `#spa-users button[data-user="${id}"]` : '#spa-signout');
      await page.waitForSelector('#spa[data-plug-ready]:not([data-busy])', LONG);
    };

    it('switches identity in the single-page view without a reload, through @plug-session/browser', async () => {
      const { page } = watched;
      expectedConsoleErrors = [/status of 503/];
      const response = await page.goto(`${app.url}/spa`);
      await page.waitForSelector(widget('anonymous'), LONG);
      // plug-session skips this page: the one plug.js tag is connectPlug's, with the nonce.
      const nonce = /'nonce-([^']+)'/.exec(
        response?.headers()['content-security-policy'] ?? '',
      )![1];
      const tags = await page.$$eval(`script[src="${emulator.scriptSrc}"]`, (scripts) =>
        scripts.map((script) => (script as HTMLScriptElement).nonce),
      );
      expect(tags).toEqual([nonce]);
      await page.evaluate(() => {
        window.__e2eMarker = 'still here';
      });

      const [first, second] = validUsers;
      await spaClick(first!.id);
      await page.waitForSelector(widget('identified', first!.id), LONG);
      await spaClick(second!.id);
      await page.waitForSelector(widget('identified', second!.id), LONG);
      await spaClick(undefined);
      await page.waitForSelector(widget('anonymous'), LONG);
      await spaClick(invalidUser.id);
      expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
      expect(await page.locator('#spa-log').textContent()).toContain('No session token');
      await spaClick(undefined);
      await page.waitForSelector(widget('anonymous'), LONG);

      const record = await emulatorRecord(page);
      expect(record?.inits.map((init) => typeof init.session_token)).toEqual([
        'undefined',
        'string',
        'string',
        'undefined',
        'undefined',
      ]);
      expect(record?.inits.every((init) => init.app_id === APP_ID)).toBe(true);
      expect(record?.shutdowns).toBe(4);
      expect(await page.evaluate(() => window.__e2eMarker)).toBe('still here');
      expect(watched.navigations).toEqual([`${app.url}/spa`]);
      expect(
        emulator.verifications.filter((v) => v.valid).map((v) => v.valid && v.userRef),
      ).toEqual([first!.id, second!.id]);
      expect(logs.join('\n')).toContain('INVALID_REV_INFO on GET /plug/session');
    });

    it('starts the single-page view’s widget as the user signed in on the server', async () => {
      const { page } = watched;
      const [user] = validUsers;
      await signInOnServer(user!.id);
      await page.goto(`${app.url}/spa`);
      await page.waitForSelector(widget('identified', user!.id), LONG);
      const record = await emulatorRecord(page);
      // Identified from the first init: no anonymous widget first.
      expect(record?.inits.map((init) => typeof init.session_token)).toEqual(['string']);
      expect(record?.shutdowns).toBe(0);
    });

    it('shows no widget in the single-page view for a signed-in user without a token', async () => {
      const { page } = watched;
      expectedConsoleErrors = [/status of 503/];
      await signInOnServer(invalidUser.id);
      await page.goto(`${app.url}/spa`);
      await page.waitForSelector('#spa[data-plug-ready]', LONG);
      expect(await page.locator('#spa-status').textContent()).toBe(
        `Signed in as ${invalidUser.name}`,
      );
      expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
      expect((await emulatorRecord(page))?.inits).toEqual([]);
      await spaClick(validUsers[0]!.id);
      await page.waitForSelector(widget('identified', validUsers[0]!.id), LONG);
      expect(watched.navigations.at(-1)).toBe(`${app.url}/spa`);
    });
  });
}
