import { describe, expect, it } from 'vitest';
import { chromiumSuite, plugCalls, signIn, waitForWidget } from './support/chromium-suite.js';

describe('identify() called again while a switch is under way, in Chromium', () => {
  const { suite, open, connect } = chromiumSuite();

  it('makes one switch for two calls made at once, asking the token route once', async () => {
    const { page, warnings } = await open();
    await connect(page);
    await signIn(page, 'alice');
    // Both calls come before a run starts: they are one request, so one run does both.
    await page.evaluate(() => Promise.all([window.plug!.identify(), window.plug!.identify()]));
    await waitForWidget(page, 'alice');
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['anonymous', 'token']);
    expect(shutdowns).toBe(1);
    expect(suite.app.route.calls).toBe(2); // the start, and the two calls' one run
    expect(suite.app.route.maxInFlight).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('switches twice, one after the other, for two sign-ins in a row without waiting', async () => {
    const { page, warnings } = await open();
    await connect(page);
    await page.evaluate(async () => {
      await fetch('/signin?user=alice', { method: 'POST' });
      const first = window.plug!.identify();
      await Promise.resolve(); // the first run has started: the second call waits for it
      await fetch('/signin?user=bob', { method: 'POST' });
      await Promise.all([first, window.plug!.identify()]);
    });
    await waitForWidget(page, 'bob');
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits.length).toBeGreaterThanOrEqual(2);
    expect(inits.at(-1)).toBe('token');
    expect(shutdowns).toBe(inits.length - 1); // never an init without a shutdown before it
    expect(suite.app.route.calls).toBe(3);
    expect(suite.app.route.maxInFlight).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('runs the calls made during a switch once more after it, on the latest identity', async () => {
    const { page, warnings } = await open();
    await connect(page);
    const release = suite.app.holdRoute();
    await signIn(page, 'alice');
    await page.evaluate(() => {
      window.pending = [window.plug!.identify()];
    });
    await suite.app.routeCallArrived(2); // the first call's request, held with alice's cookie

    await signIn(page, 'bob');
    await page.evaluate(() => {
      window.pending!.push(window.plug!.identify(), window.plug!.identify());
    });
    await signIn(page, 'chen');
    // The later calls wait for the first one: nothing more has reached the route.
    expect(suite.app.route.calls).toBe(2);
    release();

    const settled = await page.evaluate(async () => {
      const [first, second, third] = window.pending!;
      await Promise.all(window.pending!);
      return { merged: second === third, separate: first !== second };
    });
    expect(settled).toEqual({ merged: true, separate: true });
    await waitForWidget(page, 'chen');
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['anonymous', 'token', 'token']);
    expect(shutdowns).toBe(2);
    // Tokens were asked for alice (the first call) and chen (the merged follow-up), never bob.
    expect(
      suite.emulator.verifications.flatMap((check) => (check.valid ? [check.userRef] : [])),
    ).toEqual(['alice', 'chen']);
    expect(suite.app.route.calls).toBe(3);
    expect(suite.app.route.maxInFlight).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('ends shut down when shutdown() is the last call made during a switch', async () => {
    const { page } = await open();
    await connect(page);
    const release = suite.app.holdRoute();
    await signIn(page, 'alice');
    await page.evaluate(() => {
      window.pending = [window.plug!.identify()];
    });
    await suite.app.routeCallArrived(2);
    await page.evaluate(() => {
      window.pending!.push(window.plug!.identify(), window.plug!.shutdown());
    });
    release();
    await page.evaluate(() => Promise.all(window.pending!));
    expect(await page.locator('#plug-emulator-widget').count()).toBe(0);
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['anonymous', 'token']);
    expect(shutdowns).toBe(2);
    expect(suite.app.route.calls).toBe(2);
  });
});
