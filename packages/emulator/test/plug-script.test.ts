import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { fakePage } from './fake-dom.js';
import { mint } from './helpers.js';

let emu: Emulator;
let source: string;
beforeAll(async () => {
  emu = await startEmulator();
  source = await (await fetch(emu.scriptSrc)).text();
});
afterAll(() => emu.close());

const tokenFor = async (revInfo: Record<string, unknown>) =>
  (await mint(emu, revInfo)).json?.access_token as string;

describe('GET /static/plug.js', () => {
  it('serves JavaScript that other origins may load', async () => {
    const response = await fetch(emu.scriptSrc);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const head = await fetch(emu.scriptSrc, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(source)));
  });

  it('needs nothing a strict CSP forbids (no eval, inline handlers or innerHTML) and is ASCII', () => {
    expect(source).not.toMatch(
      /\beval\s*\(|new Function|innerHTML|setAttribute\('on|\.on[a-z]+\s*=/,
    );
    const printable = (char: string) => char === '\n' || (char >= ' ' && char <= '~');
    expect([...source].every(printable)).toBe(true);
  });
});

describe('the stand-in plugSDK', () => {
  it('defines init, shutdown, onEvent and isPlugInitialized', () => {
    const page = fakePage(emu.scriptSrc);
    page.run(source);
    const sdk = page.window.plugSDK;
    expect(typeof sdk?.init).toBe('function');
    expect(typeof sdk?.shutdown).toBe('function');
    expect(typeof sdk?.onEvent).toBe('function');
    expect(sdk?.isPlugInitialized).toBe(false);
    expect(page.window.__plugEmulator).toMatchObject({ shutdowns: 0 });
  });

  it('shows an anonymous visitor without a session token, and asks nobody', () => {
    const page = fakePage(emu.scriptSrc);
    page.run(source);
    const before = emu.verifications.length;
    page.window.plugSDK?.init({ app_id: 'app-1' });
    const widget = page.widget();
    expect(widget?.getAttribute('data-state')).toBe('anonymous');
    expect(widget?.textContent).toBe('Anonymous visitor');
    expect(widget?.getAttribute('data-user-ref')).toBeNull();
    expect(widget?.style.position).toBe('fixed');
    expect(page.window.plugSDK?.isPlugInitialized).toBe(true);
    expect(JSON.parse(JSON.stringify(page.window.__plugEmulator))).toEqual({
      inits: [{ app_id: 'app-1' }],
      shutdowns: 0,
    });
    expect(emu.verifications.length).toBe(before);
  });

  it('shows whom a genuine token belongs to, verified by the emulator', async () => {
    const token = await tokenFor({
      user_ref: 'alice',
      user_traits: { display_name: 'Alice Example', email: 'alice@example.com' },
    });
    const page = fakePage(emu.scriptSrc);
    page.run(source);
    const events: unknown[] = [];
    page.window.plugSDK?.onEvent((event) => events.push(JSON.parse(JSON.stringify(event))));
    page.window.plugSDK?.init({ app_id: 'app-1', session_token: token });
    expect(page.widget()?.getAttribute('data-state')).toBe('pending');

    await expect.poll(() => page.widget()?.getAttribute('data-state')).toBe('identified');
    const widget = page.widget();
    expect(widget?.getAttribute('data-user-ref')).toBe('alice');
    expect(widget?.textContent).toBe(
      'Signed in as Alice Example (alice) \u00b7 verified by the emulator',
    );
    expect(events).toContainEqual({
      type: 'ON_PLUG_EMULATOR_IDENTITY',
      state: 'identified',
      user_ref: 'alice',
    });
    expect(emu.verifications.at(-1)).toMatchObject({ valid: true, userRef: 'alice' });
  });

  it('says "Invalid session token" for a tampered token', async () => {
    const token = await tokenFor({ user_ref: 'alice' });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from('{"sub":"mallory","exp":9999999999}').toString('base64url')}.${signature}`;
    const page = fakePage(emu.scriptSrc);
    page.run(source);
    page.window.plugSDK?.init({ app_id: 'app-1', session_token: forged });
    await expect.poll(() => page.widget()?.getAttribute('data-state')).toBe('invalid');
    expect(page.widget()?.textContent).toMatch(/^Invalid session token/);
    expect(page.widget()?.getAttribute('data-user-ref')).toBeNull();
    expect(emu.verifications.at(-1)).toMatchObject({ valid: false, reason: 'bad_signature' });
  });

  it('removes the widget on shutdown and draws it again on the next init', async () => {
    const page = fakePage(emu.scriptSrc);
    page.run(source);
    const sdk = page.window.plugSDK;
    sdk?.init({ app_id: 'app-1' });
    await expect(sdk?.shutdown()).resolves.toBeUndefined();
    expect(page.widget()).toBeUndefined();
    expect(sdk?.isPlugInitialized).toBe(false);
    expect(page.window.__plugEmulator?.shutdowns).toBe(1);

    const token = await tokenFor({ user_ref: 'bob' });
    sdk?.init({ app_id: 'app-1', session_token: token });
    await expect.poll(() => page.widget()?.getAttribute('data-user-ref')).toBe('bob');
    expect(page.body.children).toHaveLength(1);
    expect(page.widget()?.textContent).toBe('Signed in as bob \u00b7 verified by the emulator');
    expect(page.window.__plugEmulator?.inits).toHaveLength(2);
  });

  it('ignores a verification that arrives after shutdown', async () => {
    const page = fakePage(emu.scriptSrc);
    page.run(source);
    page.window.plugSDK?.init({ app_id: 'a', session_token: await tokenFor({ user_ref: 'c' }) });
    await page.window.plugSDK?.shutdown();
    page.window.plugSDK?.init({ app_id: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(page.widget()?.getAttribute('data-state')).toBe('anonymous');
  });
});

describe('POST /plug/verify', () => {
  const verify = (body: string) =>
    fetch(`${emu.url}/plug/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://app.example' },
      body,
    });

  it('answers valid with the identity of a minted token, with CORS headers', async () => {
    const token = await tokenFor({
      user_ref: 'alice',
      account_ref: 'acme',
      user_traits: { display_name: 'Alice Example', email: 'alice@example.com' },
    });
    const response = await verify(JSON.stringify({ session_token: token }));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      valid: true,
      user_ref: 'alice',
      display_name: 'Alice Example',
      email: 'alice@example.com',
      account_ref: 'acme',
      workspace_ref: null,
    });
  });

  it('answers invalid for a forged, foreign or missing token', async () => {
    const other = await startEmulator();
    try {
      const foreign = (await mint(other)).json?.access_token as string;
      expect(await (await verify(JSON.stringify({ session_token: foreign }))).json()).toEqual({
        valid: false,
        reason: 'bad_signature',
      });
      expect(await (await verify('{"session_token":"a.b.c"}')).json()).toEqual({
        valid: false,
        reason: 'malformed',
      });
      expect(await (await verify('{}')).json()).toEqual({ valid: false, reason: 'missing' });
      const bad = await verify('nope');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await other.close();
    }
  });

  it('answers the CORS preflight', async () => {
    const response = await fetch(`${emu.url}/plug/verify`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
  });

  it('refuses other methods with 405', async () => {
    const response = await fetch(`${emu.url}/plug/verify`);
    expect(response.status).toBe(405);
  });
});
