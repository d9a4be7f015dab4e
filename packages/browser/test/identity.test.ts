import { describe, expect, it } from 'vitest';
import {
  APP_ID,
  chromiumSuite,
  identify,
  plugCalls,
  signIn,
  switchTo,
  waitForWidget,
} from './support/chromium-suite.js';

describe('connectPlug in Chromium, under the examples’ nonce CSP', () => {
  const { suite, open, connect } = chromiumSuite();
  const verifiedUsers = () =>
    suite.emulator.verifications.flatMap((check) => (check.valid ? [check.userRef] : []));

  it('starts an anonymous widget, without session_token, for a visitor who has not signed in', async () => {
    const { page, plugScriptRequests, warnings } = await open();
    await connect(page, { withNonce: true });
    await waitForWidget(page);
    const { record } = await plugCalls(page);
    expect(record).toEqual({ inits: [{ app_id: APP_ID }], shutdowns: 0 });
    expect(plugScriptRequests).toHaveLength(1);
    const tags = await page.$$eval('script[src$="/static/plug.js"]', (scripts) =>
      scripts.map((script) => ({
        nonce: script.nonce !== '',
        async: (script as HTMLScriptElement).async,
      })),
    );
    expect(tags).toEqual([{ nonce: true, async: true }]);
    expect(suite.emulator.callCount).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('starts an identified widget with the session token for a visitor already signed in', async () => {
    const { page, warnings } = await open();
    await signIn(page, 'alice');
    await connect(page, {
      // The connection's own keys win over initOptions.
      initOptions: { theme: 'dark', app_id: 'not-this-app', session_token: 'not-this-token' },
    });
    await waitForWidget(page, 'alice');
    const { record } = await plugCalls(page);
    expect(record.inits).toHaveLength(1);
    const [init] = record.inits as Array<Record<string, unknown>>;
    expect(init).toMatchObject({ app_id: APP_ID, theme: 'dark' });
    expect(suite.emulator.verifyToken(init!.session_token as string)).toMatchObject({
      valid: true,
      claims: { sub: 'alice' },
    });
    expect(warnings).toEqual([]);
  });

  it('switches on sign-in, to another user, and back to anonymous on sign-out, without a reload', async () => {
    const { page, navigations, warnings } = await open();
    await connect(page);
    await waitForWidget(page);
    await page.evaluate(() => {
      (window as { marker?: string }).marker = 'still here';
    });

    await switchTo(page, 'alice');
    await waitForWidget(page, 'alice');
    await switchTo(page, 'bob');
    await waitForWidget(page, 'bob');
    await switchTo(page, undefined);
    await waitForWidget(page);

    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['anonymous', 'token', 'token', 'anonymous']);
    expect(shutdowns).toBe(3);
    // What plug.js had the emulator verify: each init's token was the user's own.
    expect(verifiedUsers()).toEqual(['alice', 'bob']);
    expect(await page.evaluate(() => (window as { marker?: string }).marker)).toBe('still here');
    expect(navigations).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('leaves the widget alone when identify() finds the answer it already shows', async () => {
    const { page } = await open();
    await signIn(page, 'alice');
    await connect(page);
    await identify(page);
    await switchTo(page, undefined);
    await identify(page);
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['token', 'anonymous']);
    expect(shutdowns).toBe(1);
    expect(suite.app.route.calls).toBe(4);
  });

  it('shuts the widget down on shutdown(), and starts it again on the next identify()', async () => {
    const { page } = await open();
    await connect(page);
    await page.evaluate(() => window.plug!.shutdown());
    expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
    expect(
      await page.evaluate(
        () => (window.plugSDK as { isPlugInitialized: boolean }).isPlugInitialized,
      ),
    ).toBe(false);
    await identify(page);
    await waitForWidget(page);
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['anonymous', 'anonymous']);
    expect(shutdowns).toBe(1);
  });
});
