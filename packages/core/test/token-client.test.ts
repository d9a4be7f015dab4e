import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlugSessionError } from '../src/errors.js';
import { createTokenClient, type TokenClient } from '../src/upstream/token-client.js';
import type { TransportFactory } from '../src/upstream/transport.js';
import { type Answer, hang, json, raw, reset, startFakeDevRev } from './support/fake-devrev.js';
import { freshJwt } from './support/fake-jwt.js';
import { runtimes } from './support/runtimes.js';

const AAT = 'aat-SECRET-7f3b';
const revInfo = { user_ref: 'u1', user_traits: { email: 'u1@example.com' } };
let devrev: Awaited<ReturnType<typeof startFakeDevRev>>;
let client: TokenClient;
let transport: TransportFactory;

const clientFor = (timeoutMs = 2000, endpoint = devrev.endpoint) => {
  client = createTokenClient({ endpoint, appAccessToken: AAT, timeoutMs, transport });
  return client;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the mint should have failed'),
    (error: PlugSessionError) => error,
  );

beforeEach(async () => {
  devrev = await startFakeDevRev();
});
afterEach(async () => {
  await client?.close();
  await devrev.close();
});

describe.each(runtimes)('the token client over the %s transport', (_, runtime) => {
  beforeEach(() => {
    transport = runtime.transport;
  });

  it('posts {"rev_info": …} with exactly the authorization, content-type and accept headers', async () => {
    await clientFor().mint(revInfo);
    const [request] = devrev.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/internal/auth-tokens.create');
    expect(request?.headers.authorization).toBe(AAT);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.body).toBe(JSON.stringify({ rev_info: revInfo }));
  });

  it.each([200, 201])('accepts a %i with a string access_token', async (status) => {
    const jwt = freshJwt(600);
    devrev.answer(json(status, { access_token: jwt, expires_in: 600, token_type: 'bearer' }));
    const token = await clientFor().mint(revInfo);
    expect(token.token).toBe(jwt);
    expect(token.usableUntil).toBeLessThan(token.expiresAt);
  });

  it('reuses keep-alive connections for successive mints', async () => {
    clientFor();
    for (let i = 0; i < 6; i++) await client.mint(revInfo);
    // A pool may open a second socket while the first is being released.
    const ports = new Set(devrev.requests.map((r) => r.remotePort));
    expect(ports.size).toBeLessThan(devrev.requests.length);
  });

  it('reports a 400 as BAD_REQUEST with DevRev’s type and message, without retrying', async () => {
    devrev.answer(json(400, { type: 'invalid_field', message: 'user_traits.email is invalid' }));
    const error = await failure(clientFor().mint(revInfo));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400, type: 'invalid_field' });
    expect(error.message).toContain('user_traits.email is invalid');
    expect(devrev.requests).toHaveLength(1);
  });

  it.each([
    'invalid_field',
    'missing_required_field',
    'value_not_permitted',
    'unexpected_json_type',
  ])(
    'puts a 400 %s’s field_name and detail in the message and as fieldName and detail',
    async (type) => {
      const body = {
        type,
        message: 'The request is invalid.',
        field_name: 'rev_info.user_traits.email',
        detail: 'must be an email address',
      };
      devrev.answer(json(400, body));
      const error = await failure(clientFor().mint(revInfo));
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        status: 400,
        type,
        fieldName: 'rev_info.user_traits.email',
        detail: 'must be an email address',
      });
      expect(error.message).toContain(
        `400 ${type}: The request is invalid.; field_name: rev_info.user_traits.email; detail: must be an email address`,
      );
      expect(error.toJSON()).toMatchObject({ fieldName: body.field_name, detail: body.detail });
    },
  );

  it('leaves fieldName and detail out when DevRev’s body has none', async () => {
    devrev.answer(json(400, { type: 'bad_request', message: 'The request is invalid.' }));
    const error = await failure(clientFor().mint(revInfo));
    expect(error.fieldName).toBeUndefined();
    expect(error.detail).toBeUndefined();
    expect(Object.keys(error.toJSON())).not.toContain('fieldName');
    expect(error.message).not.toContain('field_name');
  });

  it.each([
    [401, 'unauthenticated', 'UNAUTHORIZED'],
    [403, 'forbidden', 'UNAUTHORIZED'],
    [404, 'not_found', 'BAD_REQUEST'],
    [409, 'conflict', 'BAD_REQUEST'],
  ])('reports a %i (%s) as %s after one call', async (status, type, code) => {
    devrev.answer(json(status, { type, message: `the ${type} message` }));
    const error = await failure(clientFor().mint(revInfo));
    expect(error).toMatchObject({ code, status, type });
    expect(error.message).toContain(`the ${type} message`);
    expect(devrev.requests).toHaveLength(1);
  });

  it('tells the user what to do about a rejected AAT', async () => {
    devrev.answer(json(401, { type: 'unauthenticated', message: 'Invalid token' }));
    const error = await failure(clientFor().mint(revInfo));
    expect(error.message).toMatch(
      /^DevRev rejected the application access token \(401 unauthenticated/,
    );
    expect(error.message).toContain('PLuG Tokens');
  });

  it('waits for a 429’s Retry-After header, then succeeds within the budget', async () => {
    devrev.answer(json(429, { type: 'too_many_requests' }, { 'retry-after': '0' }));
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(devrev.requests).toHaveLength(2);
  });

  it('honours retry_after from a 429’s body when there is no header', async () => {
    devrev.answer(json(429, { type: 'too_many_requests', retry_after: 0.05 }));
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(devrev.requests).toHaveLength(2);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const soon = new Date(Date.now() + 100).toUTCString();
    devrev.answer(json(429, { type: 'too_many_requests' }, { 'retry-after': soon }));
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(devrev.requests).toHaveLength(2);
  });

  it('fails at once with RATE_LIMITED when Retry-After exceeds the budget', async () => {
    devrev.answer(
      json(429, { type: 'too_many_requests', retry_after: 60 }, { 'retry-after': '60' }),
    );
    const started = performance.now();
    const error = await failure(clientFor(5000).mint(revInfo));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 60_000 });
    expect(devrev.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('retries a 500 and succeeds', async () => {
    devrev.answer(json(500, { type: 'internal_error', reference_id: 'r1' }));
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(devrev.requests).toHaveLength(2);
  });

  it('gives up on repeated 503s with UPSTREAM_UNAVAILABLE within the budget', async () => {
    devrev.always(json(503, { type: 'service_unavailable', message: 'down' }));
    const started = performance.now();
    const error = await failure(clientFor(800).mint(revInfo));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(devrev.requests.length).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(800 + 1000);
  });

  it('gives up on a hanging endpoint with TIMEOUT within the budget', async () => {
    devrev.always(hang);
    const started = performance.now();
    const error = await failure(clientFor(300).mint(revInfo));
    expect(error.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(300 + 1000);
  });

  it('retries a reset connection, and reports NETWORK when resets go on', async () => {
    devrev.always(reset);
    const error = await failure(clientFor(500).mint(revInfo));
    expect(error.code).toBe('NETWORK');
    expect(devrev.requests.length).toBeGreaterThan(1);
  });

  it('recovers from one reset connection', async () => {
    devrev.answer(reset);
    await expect(clientFor().mint(revInfo)).resolves.toHaveProperty('token');
    expect(devrev.requests).toHaveLength(2);
  });

  it.each<[string, Answer]>([
    ['a body that is not JSON', raw(200, '{"access_token": "eyJ')],
    ['a JSON body without access_token', json(201, { expires_in: 3600 })],
    ['an access_token that is not a string', json(201, { access_token: 42 })],
    ['a body over 64 KiB', json(201, { access_token: 'x', pad: 'x'.repeat(70_000) })],
    ['a body over 64 KiB with no content-length', chunked(201, 70_000)],
  ])('reports %s as BAD_RESPONSE without retrying', async (_, answer) => {
    devrev.answer(answer);
    const error = await failure(clientFor().mint(revInfo));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(devrev.requests).toHaveLength(1);
  });

  it('reports a refused connection as NETWORK within the budget', async () => {
    const endpoint = devrev.endpoint;
    await devrev.close();
    const error = await failure(clientFor(400, endpoint).mint(revInfo));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('ECONNREFUSED');
    devrev = await startFakeDevRev();
  });

  it('stops when its signal aborts', async () => {
    devrev.always(hang);
    const controller = new AbortController();
    const pending = failure(clientFor(5000).mint(revInfo, controller.signal));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).message).toContain('closed');
  });

  it('does not follow a redirect: a 3xx is BAD_RESPONSE and the AAT goes nowhere else', async () => {
    const elsewhere = await startFakeDevRev();
    try {
      devrev.answer((res) => {
        res.writeHead(307, { location: elsewhere.endpoint.href });
        res.end();
      });
      const error = await failure(clientFor().mint(revInfo));
      expect(error).toMatchObject({ code: 'BAD_RESPONSE', status: 307 });
      expect(devrev.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});

/** Answers `status` with a JSON body of about `size` bytes, streamed without a content-length. */
function chunked(status: number, size: number): Answer {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.write('{"access_token": "x", "pad": "');
    for (let sent = 0; sent < size; sent += 8192) res.write('x'.repeat(8192));
    res.end('"}');
  };
}
