import { describe, expect, it } from 'vitest';
import {
  chromiumSuite,
  identify,
  plugCalls,
  signIn,
  switchTo,
  waitForWidget,
} from './support/chromium-suite.js';

/** Chromium logs every 503 a fetch gets as a console error: the network's line, not ours. */
const ROUTE_503 = /status of 503/;

describe('connectPlug when the token route fails, in Chromium', () => {
  const { suite, open, connect } = chromiumSuite();

  it('starts no widget, anonymous or not, when the route answers 503 for a signed-in user', async () => {
    const spa = await open();
    spa.expectedConsoleErrors = [ROUTE_503];
    const { page, warnings } = spa;
    await signIn(page, 'dana'); // a rev_info that core refuses: no token can be had
    await connect(page);
    const { inits } = await plugCalls(page);
    expect(inits).toEqual([]);
    expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[plug-session\] .*\/plug\/session.*INVALID_REV_INFO/);
  });

  it('starts no widget while DevRev refuses the user, and starts it once a token can be had', async () => {
    const spa = await open();
    spa.expectedConsoleErrors = [ROUTE_503];
    const { page, warnings } = spa;
    await signIn(page, 'bob');
    // 409: a workspace that belongs to another account; not retried, no pause of the AAT.
    suite.emulator.setFault({ type: 'status', status: 409 });
    await connect(page);
    expect((await plugCalls(page)).inits).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('BAD_REQUEST')]);
    suite.emulator.setFault(undefined);
    await identify(page);
    await waitForWidget(page, 'bob');
    expect((await plugCalls(page)).inits).toEqual(['token']);
    expect(warnings).toHaveLength(1);
  });

  it('shuts an identified widget down, and starts none, when the route answers 503 after a switch', async () => {
    const spa = await open();
    spa.expectedConsoleErrors = [ROUTE_503];
    const { page, warnings } = spa;
    await signIn(page, 'alice');
    await connect(page);
    await waitForWidget(page, 'alice');
    await switchTo(page, 'dana');
    expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['token']);
    expect(shutdowns).toBe(1);
    expect(warnings).toEqual([expect.stringContaining('INVALID_REV_INFO')]);
    await switchTo(page, undefined);
    await waitForWidget(page);
    expect((await plugCalls(page)).inits).toEqual(['token', 'anonymous']);
  });

  it('warns once and shows no widget when the route cannot be reached, without rejecting', async () => {
    const spa = await open();
    spa.expectedConsoleErrors = [/Failed to load resource: net::ERR_EMPTY_RESPONSE/];
    const { page, warnings } = spa;
    await connect(page);
    await waitForWidget(page);
    suite.app.overrideRoute('reset');
    await signIn(page, 'alice');
    await identify(page); // resolves: a rejection would fail page.evaluate
    expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('could not reach the token route /plug/session');
    expect((await plugCalls(page)).shutdowns).toBe(1);
  });

  it('warns once when the route answers HTML (the middleware is not mounted)', async () => {
    const { page, warnings } = await open();
    suite.app.overrideRoute('html');
    await connect(page);
    expect((await plugCalls(page)).inits).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('/plug/session answered 200 without JSON');
  });
});
