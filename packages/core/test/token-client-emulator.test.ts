import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlugSessionError } from '../src/errors.js';
import { createTokenClient, type TokenClient } from '../src/upstream/token-client.js';
import type { TransportFactory } from '../src/upstream/transport.js';
import { runtimes } from './support/runtimes.js';

const AAT = 'aat-SECRET-7f3b';
const revInfo = { user_ref: 'u1', account_ref: 'acme' };
let emu: Emulator;
let client: TokenClient;
let transport: TransportFactory;

const clientFor = (timeoutMs = 2000, appAccessToken = AAT) => {
  const endpoint = new URL(emu.endpoint);
  client = createTokenClient({ endpoint, appAccessToken, timeoutMs, transport });
  return client;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the mint should have failed'),
    (error: PlugSessionError) => error,
  );

beforeEach(async () => {
  emu = await startEmulator({ appAccessToken: AAT, tokenTtlSeconds: 600 });
});
afterEach(async () => {
  await client?.close();
  await emu.close();
});

describe.each(runtimes)('the token client over %s against the emulator', (_, runtime) => {
  beforeEach(() => {
    transport = runtime.transport;
  });

  it('mints a genuine token for the user and times it from the JWT', async () => {
    const token = await clientFor().mint(revInfo);
    const verified = emu.verifyToken(token.token);
    expect(verified).toMatchObject({ valid: true, claims: { sub: 'u1', account_ref: 'acme' } });
    expect(token.expiresAt - Date.now()).toBeGreaterThan(500_000);
    expect(token.expiresAt - token.usableUntil).toBe(30_000);
    expect(emu.calls[0]?.revInfo).toEqual(revInfo);
  });

  it('reports a wrong AAT as UNAUTHORIZED after a single call', async () => {
    const error = await failure(clientFor(2000, 'aat-wrong').mint(revInfo));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(emu.callCount).toBe(1);
  });

  it('reports a rev_info DevRev refuses as BAD_REQUEST with its type', async () => {
    const invalid = { user_ref: 'u1', account_traits: { domains: ['https://acme.com'] } };
    const error = await failure(clientFor().mint(invalid));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    expect(error.type).toBeTypeOf('string');
    expect(emu.callCount).toBe(1);
  });

  it('names the field DevRev refused, from its field_name, in the message and as fieldName', async () => {
    const invalid = { user_ref: 'u1', account_traits: { domains: ['https://acme.com'] } };
    const error = await failure(clientFor().mint(invalid));
    expect(error).toMatchObject({
      type: 'invalid_field',
      fieldName: 'rev_info.account_traits.domains[0]',
    });
    expect(error.message).toContain('field_name: rev_info.account_traits.domains[0]');
  });

  it('retries after a 429 whose Retry-After fits the budget', async () => {
    emu.enqueue({ type: 'status', status: 429, retryAfterSeconds: 0 });
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(emu.calls.map((c) => c.status)).toEqual([429, 201]);
  });

  it('fails with RATE_LIMITED at once when Retry-After is longer than the budget', async () => {
    emu.enqueue({ type: 'status', status: 429, retryAfterSeconds: 30 });
    const error = await failure(clientFor(1000).mint(revInfo));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    expect(emu.callCount).toBe(1);
  });

  it('retries a 500 and a 503, then succeeds', async () => {
    emu.enqueue({ type: 'status', status: 500 }, { type: 'status', status: 503 });
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(emu.calls.map((c) => c.status)).toEqual([500, 503, 201]);
  });

  it('reports UPSTREAM_UNAVAILABLE when 503s outlast the budget', async () => {
    emu.setFault({ type: 'status', status: 503 });
    const started = performance.now();
    const error = await failure(clientFor(600).mint(revInfo));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(emu.callCount).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(600 + 1000);
  });

  it('reports TIMEOUT within the budget when the endpoint hangs', async () => {
    emu.setFault({ type: 'hang' });
    const started = performance.now();
    const error = await failure(clientFor(300).mint(revInfo));
    expect(error.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(300 + 1000);
  });

  it('reports TIMEOUT when a body drips in slower than the budget', async () => {
    emu.setFault({ type: 'drip', intervalMs: 100 });
    const error = await failure(clientFor(300).mint(revInfo));
    expect(error.code).toBe('TIMEOUT');
  });

  it('retries reset connections and reports NETWORK when they go on', async () => {
    emu.setFault({ type: 'reset' });
    const error = await failure(clientFor(400).mint(revInfo));
    expect(error.code).toBe('NETWORK');
    expect(emu.callCount).toBeGreaterThan(1);
  });

  it.each([
    ['a malformed body', { type: 'malformed' } as const],
    ['a body without access_token', { type: 'no-token' } as const],
    ['a streamed body over 64 KiB', { type: 'oversize', bytes: 200_000 } as const],
  ])('reports %s as BAD_RESPONSE after one call', async (_, fault) => {
    emu.enqueue(fault);
    const error = await failure(clientFor().mint(revInfo));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(emu.callCount).toBe(1);
  });

  it('accepts a large body that stays under 64 KiB', async () => {
    emu.enqueue({ type: 'oversize', bytes: 60_000 });
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
  });
});
