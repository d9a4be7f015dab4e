import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TokenSource } from '../src/engine/token-source.js';
import type { PlugSessionError } from '../src/errors.js';
import { PlugSessionOptionsError } from '../src/options/options.js';
import * as nodeEntry from '../src/runtime/node-runtime.js';
import * as webEntry from '../src/runtime/web-runtime.js';

const AAT = 'aat-token-source-tests-71c2';
let emu: Emulator;
const errors: PlugSessionError[] = [];
const sources: TokenSource[] = [];
let createTokenSource: typeof nodeEntry.createTokenSource;
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(() => emu.close());
beforeEach(() => {
  errors.length = 0;
  emu.setFault(undefined);
  emu.clearCalls();
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
});

function source(extra: Record<string, unknown> = {}): TokenSource {
  const created = createTokenSource({
    appAccessToken: AAT,
    endpoint: emu.endpoint,
    onError: (error) => void errors.push(error),
    ...extra,
  });
  sources.push(created);
  return created;
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
    exp: number;
  };

describe.each([
  ['Node', nodeEntry.createTokenSource],
  ['web', webEntry.createTokenSource],
])("the %s entry's createTokenSource", (_, create) => {
  beforeEach(() => {
    createTokenSource = create;
  });

  it("gives a verified token for a rev_info, with the token's own expiry", async () => {
    const token = await source().tokenFor({ user_ref: 'alice', user_traits: { email: 'a@b.co' } });
    expect(token).toBeDefined();
    expect(emu.verifyToken(token?.sessionToken ?? '')).toMatchObject({ valid: true });
    const { sub, exp } = claimsOf(token?.sessionToken ?? '');
    expect(sub).toBe('alice');
    expect(token?.expiresAt.getTime()).toBe(exp * 1000);
    expect(errors).toEqual([]);
  });

  it('caches per rev_info and makes one call for concurrent requests of the same user', async () => {
    const tokens = source();
    const first = await Promise.all([1, 2, 3].map(() => tokens.tokenFor({ user_ref: 'bob' })));
    expect(emu.callCount).toBe(1);
    expect(new Set(first.map((token) => token?.sessionToken)).size).toBe(1);
    const again = await tokens.tokenFor({ user_ref: 'bob' });
    expect(again?.sessionToken).toBe(first[0]?.sessionToken);
    expect(emu.callCount).toBe(1);
    await tokens.tokenFor({ user_ref: 'bob', user_traits: { display_name: 'Bob' } });
    expect(emu.callCount).toBe(2);
  });

  it('resolves to undefined for null or undefined, with no call and no error', async () => {
    const tokens = source();
    expect(await tokens.tokenFor(null)).toBeUndefined();
    expect(await tokens.tokenFor(undefined)).toBeUndefined();
    expect(emu.callCount).toBe(0);
    expect(errors).toEqual([]);
  });

  it('resolves to undefined for an invalid rev_info, told to onError, with no call', async () => {
    const invalid = { user_ref: 'carol', user_traits: { email: 'not an email' } };
    expect(await source().tokenFor(invalid)).toBeUndefined();
    expect(emu.callCount).toBe(0);
    expect(errors.map((error) => error.code)).toEqual(['INVALID_REV_INFO']);
    expect(errors[0]?.issues?.[0]?.path).toBe('user_traits.email');
  });

  it('never rejects when DevRev fails, and keeps the AAT out of the error', async () => {
    emu.setFault({ type: 'status', status: 503 });
    expect(await source({ timeoutMs: 300 }).tokenFor({ user_ref: 'dave' })).toBeUndefined();
    expect(errors.map((error) => error.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(JSON.stringify(errors[0]) + String(errors[0]?.stack)).not.toContain(AAT);
  });

  it('fails at once for invalid options, naming the option', () => {
    expect(() => createTokenSource({ appAccessToken: '' })).toThrow(PlugSessionOptionsError);
    expect(() => createTokenSource({ appAccessToken: '' })).toThrow(/appAccessToken/);
    expect(() => createTokenSource({ appAccessToken: AAT, timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => createTokenSource(undefined as never)).toThrow(/appAccessToken/);
  });
});
