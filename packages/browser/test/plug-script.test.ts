import { describe, expect, it } from 'vitest';
import { chromiumSuite, plugCalls, signIn, waitForWidget } from './support/chromium-suite.js';

const scriptTags = (page: import('playwright-core').Page) =>
  page.locator('script[src$="/static/plug.js"]').count();

describe('connectPlug and plug.js, in Chromium', () => {
  const { suite, open, connect } = chromiumSuite();

  it('does not load plug.js again when the page already loads it', async () => {
    const { page, plugScriptRequests, warnings } = await open({ plugScript: 'sync' });
    await signIn(page, 'alice');
    await connect(page);
    await waitForWidget(page, 'alice');
    expect(plugScriptRequests).toHaveLength(1);
    expect(await scriptTags(page)).toBe(1);
    expect((await plugCalls(page)).inits).toEqual(['token']);
    expect(warnings).toEqual([]);
  });

  it('waits for the page’s own plug.js while it is still loading, instead of adding another', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { page, plugScriptRequests } = await open({
      plugScript: 'async',
      waitForLoad: false,
      before: async (page) => {
        await page.route(suite.emulator.scriptSrc, async (route) => {
          await held;
          await route.continue();
        });
      },
    });
    const ready = connect(page);
    await suite.app.routeCallArrived(1);
    expect(await page.evaluate(() => window.plugSDK)).toBeUndefined();
    release();
    await ready;
    await waitForWidget(page);
    expect(plugScriptRequests).toHaveLength(1);
    expect(await scriptTags(page)).toBe(1);
  });

  it('shuts down a widget the page already started, then starts its own', async () => {
    const { page, warnings } = await open({ plugScript: 'initialised' });
    await signIn(page, 'bob');
    await connect(page);
    await waitForWidget(page, 'bob');
    const { inits, shutdowns } = await plugCalls(page);
    expect(inits).toEqual(['anonymous', 'token']);
    expect(shutdowns).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('loads plug.js once for two connections started at once', async () => {
    const spa = await open();
    spa.expectedMaxInFlight = 2; // two connections, each asking once
    const { page, plugScriptRequests, warnings } = spa;
    await Promise.all([connect(page), connect(page)]);
    await waitForWidget(page);
    expect(plugScriptRequests).toHaveLength(1);
    expect(await scriptTags(page)).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('loads plug.js under a nonce-only CSP when given the page’s nonce', async () => {
    const { page, warnings } = await open({ csp: 'nonce-only' });
    await connect(page, { withNonce: true });
    await waitForWidget(page);
    expect(warnings).toEqual([]);
  });

  it('warns once, and throws nothing, when the CSP blocks plug.js', async () => {
    const spa = await open({ csp: 'nonce-only' });
    // The point of this test: plug.js without the nonce under a nonce-only policy.
    spa.expectedBlockedUrl = suite.emulator.scriptSrc;
    spa.expectedConsoleErrors = [/Content Security Policy/];
    const { page, warnings, violations } = spa;
    await connect(page);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations).toContainEqual(
      expect.objectContaining({ blocked: suite.emulator.scriptSrc, directive: 'script-src-elem' }),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('could not load plug.js');
    expect(await scriptTags(page)).toBe(0);
    expect(await page.evaluate(() => window.plugSDK)).toBeUndefined();
  });
});
