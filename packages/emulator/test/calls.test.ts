import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { mint } from './helpers.js';

let emu: Emulator;
afterEach(() => emu?.close());

describe('the call record', () => {
  it('records each token call: path, rev_info, status and time', async () => {
    emu = await startEmulator();
    const before = Date.now();
    const revInfo = { user_ref: 'alice', user_traits: { email: 'alice@example.com' } };
    await mint(emu, revInfo);
    await mint(
      emu,
      { user_ref: 'bob', user_traits: { emial: 'x' } },
      { path: '/auth-tokens.create' },
    );
    await mint(emu, undefined, { body: 'not json' });

    expect(emu.callCount).toBe(3);
    expect(emu.calls).toEqual([
      { path: '/internal/auth-tokens.create', revInfo, status: 201, at: expect.any(Number) },
      {
        path: '/auth-tokens.create',
        revInfo: { user_ref: 'bob', user_traits: { emial: 'x' } },
        status: 400,
        at: expect.any(Number),
      },
      {
        path: '/internal/auth-tokens.create',
        revInfo: undefined,
        status: 400,
        at: expect.any(Number),
      },
    ]);
    expect(emu.calls[0]?.at).toBeGreaterThanOrEqual(before);
    expect(emu.calls[0]?.at).toBeLessThanOrEqual(Date.now());
  });

  it('never records the AAT or the authorization header', async () => {
    const aat = 'aat-SECRET-9f8e7d';
    emu = await startEmulator({ appAccessToken: aat });
    await mint(emu, { user_ref: 'alice' }, { auth: aat });
    await mint(emu, { user_ref: 'alice' }, { auth: `Bearer ${aat}` });
    await mint(emu, { user_ref: 'alice' }, { auth: `${aat}-wrong` });
    emu.enqueue({ type: 'status', status: 500 });
    await mint(emu, { user_ref: 'alice' }, { auth: aat });

    expect(emu.calls.map((call) => call.status)).toEqual([201, 201, 401, 500]);
    const recorded = JSON.stringify(emu.calls);
    expect(recorded).not.toContain(aat);
    expect(recorded).not.toContain('SECRET');
    expect(recorded.toLowerCase()).not.toContain('authorization');
  });

  it('counts only requests to the token paths', async () => {
    emu = await startEmulator();
    await fetch(emu.scriptSrc);
    await fetch(`${emu.url}/nowhere`);
    await fetch(emu.endpoint);
    expect(emu.callCount).toBe(0);
    expect(emu.calls).toEqual([]);
  });

  it('forgets calls, the count and verifications on clearCalls', async () => {
    emu = await startEmulator();
    await mint(emu);
    await fetch(`${emu.url}/plug/verify`, { method: 'POST', body: '{"session_token":"x"}' });
    expect(emu.verifications).toHaveLength(1);
    emu.clearCalls();
    expect(emu.calls).toEqual([]);
    expect(emu.callCount).toBe(0);
    expect(emu.verifications).toEqual([]);
    await mint(emu);
    expect(emu.callCount).toBe(1);
  });
});
