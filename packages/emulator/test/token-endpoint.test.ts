import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { decodeClaims, mint } from './helpers.js';

let emu: Emulator;
afterEach(() => emu?.close());

describe('the token endpoint', () => {
  it('answers 201 with a bearer JWT whose signature verifies and whose sub is the user_ref', async () => {
    emu = await startEmulator({ tokenTtlSeconds: 900 });
    const answer = await mint(emu, {
      user_ref: 'alice',
      account_ref: 'acme',
      user_traits: { display_name: 'Alice Example', email: 'alice@example.com' },
    });

    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ expires_in: 900, token_type: 'bearer' });
    const token = answer.json?.access_token as string;
    const verified = emu.verifyToken(token);
    expect(verified.valid).toBe(true);
    const claims = decodeClaims(token);
    expect(claims).toMatchObject({
      sub: 'alice',
      iss: 'plug-session-emulator',
      account_ref: 'acme',
      user_traits: { display_name: 'Alice Example', email: 'alice@example.com' },
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(typeof claims.jti).toBe('string');
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('uses a five-minute TTL by default, as DevRev’s tokens last minutes, and mints a different token each time', async () => {
    emu = await startEmulator();
    const first = await mint(emu);
    const second = await mint(emu);
    expect(first.json?.expires_in).toBe(300);
    const claims = decodeClaims(first.json?.access_token as string);
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(second.json?.access_token).not.toBe(first.json?.access_token);
  });

  it('answers on /auth-tokens.create too, and exposes endpoint and scriptSrc', async () => {
    emu = await startEmulator();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.endpoint).toBe(`${emu.url}/internal/auth-tokens.create`);
    expect(emu.scriptSrc).toBe(`${emu.url}/static/plug.js`);
    const answer = await mint(emu, { user_ref: 'bob' }, { path: '/auth-tokens.create' });
    expect(answer.status).toBe(201);
    expect(decodeClaims(answer.json?.access_token as string).sub).toBe('bob');
  });

  it('rejects a token that was tampered with, forged elsewhere or expired', async () => {
    emu = await startEmulator({ tokenTtlSeconds: 1 });
    const other = await startEmulator();
    try {
      const token = (await mint(emu)).json?.access_token as string;
      const foreign = (await mint(other)).json?.access_token as string;
      const [header, , signature] = token.split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'mallory', exp: 9e9 })).toString(
        'base64url',
      );
      expect(emu.verifyToken(`${header}.${payload}.${signature}`)).toEqual({
        valid: false,
        reason: 'bad_signature',
      });
      expect(emu.verifyToken(foreign)).toEqual({ valid: false, reason: 'bad_signature' });
      expect(emu.verifyToken('not a jwt')).toEqual({ valid: false, reason: 'malformed' });
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.x`;
      expect(emu.verifyToken(none)).toEqual({ valid: false, reason: 'unsupported_algorithm' });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect(emu.verifyToken(token)).toEqual({ valid: false, reason: 'expired' });
    } finally {
      await other.close();
    }
  });
});

describe('authorization', () => {
  it('is 401 unauthenticated without an authorization header, AAT configured or not', async () => {
    emu = await startEmulator();
    const answer = await mint(emu, undefined, { auth: null });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ type: 'unauthenticated' });
    expect(typeof answer.json?.message).toBe('string');
    expect((await mint(emu, undefined, { auth: '   ' })).status).toBe(401);
  });

  it('accepts any non-empty authorization when no AAT is configured', async () => {
    emu = await startEmulator();
    expect((await mint(emu, undefined, { auth: 'whatever' })).status).toBe(201);
    expect((await mint(emu, undefined, { auth: 'Bearer something-else' })).status).toBe(201);
  });

  it('accepts the configured AAT raw or as Bearer, and nothing else', async () => {
    emu = await startEmulator({ appAccessToken: 'aat-123' });
    expect((await mint(emu, undefined, { auth: 'aat-123' })).status).toBe(201);
    expect((await mint(emu, undefined, { auth: 'Bearer aat-123' })).status).toBe(201);
    expect((await mint(emu, undefined, { auth: 'bearer aat-123' })).status).toBe(201);
    const wrong = await mint(emu, undefined, { auth: 'aat-124' });
    expect(wrong.status).toBe(401);
    expect(wrong.json?.type).toBe('unauthenticated');
    expect((await mint(emu, undefined, { auth: 'Bearer aat-12' })).status).toBe(401);
    expect((await mint(emu, undefined, { auth: null })).status).toBe(401);
  });

  it('answers 401 to a bad authorization before looking at the body', async () => {
    emu = await startEmulator({ appAccessToken: 'aat-123' });
    const answer = await mint(emu, undefined, { auth: 'nope', body: 'not json' });
    expect(answer.status).toBe(401);
  });
});

describe('requests it cannot serve', () => {
  it('answers 400 parse_error to a body that is not JSON', async () => {
    emu = await startEmulator();
    const answer = await mint(emu, undefined, { body: '{"rev_info": ' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ type: 'parse_error' });
    expect((await mint(emu, undefined, { body: '' })).json?.type).toBe('parse_error');
  });

  it('answers 404 not_found JSON to an unknown path', async () => {
    emu = await startEmulator();
    const answer = await mint(emu, undefined, { path: '/internal/auth-tokens.mint' });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ type: 'not_found' });
    const get = await fetch(`${emu.url}/`);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ type: 'not_found' });
  });

  it('answers 405 JSON, with Allow, to the wrong method on a known path', async () => {
    emu = await startEmulator();
    const response = await fetch(emu.endpoint);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ type: 'method_not_allowed' });
    const script = await fetch(emu.scriptSrc, { method: 'DELETE' });
    expect(script.status).toBe(405);
    expect(emu.callCount).toBe(0);
  });

  it('answers 413 JSON to a body over 256 KiB, declared or streamed, and keeps serving', async () => {
    emu = await startEmulator();
    const huge = await mint(emu, undefined, { body: 'x'.repeat(4 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ type: 'payload_too_large' });

    const chunk = new Uint8Array(64 * 1024).fill(32);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 8; index += 1) controller.enqueue(chunk);
        controller.close();
      },
    });
    const streamed = await fetch(emu.endpoint, {
      method: 'POST',
      headers: { authorization: 'x', 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.body?.cancel();

    expect((await mint(emu)).status).toBe(201);
    expect(emu.calls.map((call) => call.status)).toEqual([413, 413, 201]);
  });

  it('accepts a body of exactly 256 KiB', async () => {
    emu = await startEmulator();
    const body = JSON.stringify({ rev_info: { user_ref: 'alice' } });
    const padded = body + ' '.repeat(256 * 1024 - body.length);
    expect((await mint(emu, undefined, { body: padded })).status).toBe(201);
  });
});
