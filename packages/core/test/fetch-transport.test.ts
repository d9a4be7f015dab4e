import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchTransport } from '../src/upstream/fetch-transport.js';
import { UpstreamNetworkError } from '../src/upstream/transport.js';
import { isRetryableNetworkError } from '../src/upstream/upstream-errors.js';

// How each runtime's fetch rejects is not reproducible on Node over a socket (Workers' "Network
// connection lost", Bun's codes): these rejections are handed to the transport as they come.
const endpoint = new URL('https://devrev.example/internal/auth-tokens.create');
const headers = { authorization: 'aat-SECRET-7f3b' };
const transport = () => fetchTransport(endpoint, headers, { timeoutMs: 500, maxBodyBytes: 1024 });

const rejectionOf = async (thrown: unknown, signal = new AbortController().signal) => {
  vi.stubGlobal('fetch', () => Promise.reject(thrown));
  return transport()
    .post('{}', signal, 500)
    .then(
      () => expect.unreachable('the post should have failed'),
      (error: unknown) => error,
    );
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the fetch transport turns fetch rejections into network failures', () => {
  it.each([
    ["Node's fetch failed with a refused connection", 'ECONNREFUSED'],
    ["Node's fetch failed with a reset", 'ECONNRESET'],
    ["Node's fetch failed on a closed socket", 'UND_ERR_SOCKET'],
  ])('retries %s, naming its code', async (_, code) => {
    const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
    const error = await rejectionOf(new TypeError('fetch failed', { cause }));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code, transient: true });
    expect((error as Error).message).toBe(`fetch failed: connect ${code} 127.0.0.1:9`);
    expect(isRetryableNetworkError(error)).toBe(true);
  });

  it.each([
    ['Workers', new TypeError('Network connection lost.')],
    ['Deno', new TypeError('error sending request for url (https://devrev.example/…)')],
    ['Bun', Object.assign(new Error('Unable to connect.'), { code: 'ConnectionRefused' })],
  ])('retries what %s rejects with when the connection fails', async (_, thrown) => {
    const error = await rejectionOf(thrown);
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(isRetryableNetworkError(error)).toBe(true);
    expect((error as Error).message).toContain(thrown.message);
  });

  it('does not retry a host name that does not resolve', async () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND devrev.example'), {
      code: 'ENOTFOUND',
    });
    const error = await rejectionOf(new TypeError('fetch failed', { cause }));
    expect(error).toMatchObject({ code: 'ENOTFOUND', transient: false });
    expect(isRetryableNetworkError(error)).toBe(false);
  });

  it('passes the budget’s abort on as it is, for the token client to call TIMEOUT', async () => {
    const controller = new AbortController();
    const reason = new Error('the time budget ran out');
    controller.abort(reason);
    expect(await rejectionOf(reason, controller.signal)).toBe(reason);
  });

  it('keeps neither the rejection nor its cause, which can hold the request and its AAT', async () => {
    const request = { headers };
    const cause = Object.assign(new Error('other side closed'), { code: 'ECONNRESET', request });
    const error = await rejectionOf(
      Object.assign(new TypeError('fetch failed', { cause }), { request }),
    );
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('SECRET');
    expect(Object.values(error as object)).not.toContain(request);
  });
});
