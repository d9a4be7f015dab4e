import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorFault, startEmulator } from '../src/index.js';
import { mint } from './helpers.js';

let emu: Emulator;
afterEach(() => emu?.close());

/** A raw POST that reports how the body arrived, for drip and oversize. */
function rawMint(url: string): Promise<{ status: number; body: Buffer; chunks: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/internal/auth-tokens.create`,
      { method: 'POST', headers: { authorization: 'x', 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            chunks: chunks.length,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ rev_info: { user_ref: 'alice' } }));
  });
}

describe('status faults', () => {
  it('answers 429 too_many_requests with retry_after and a Retry-After header', async () => {
    emu = await startEmulator();
    emu.enqueue({ type: 'status', status: 429, retryAfterSeconds: 2 });
    const answer = await mint(emu);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(answer.json).toMatchObject({ type: 'too_many_requests', retry_after: 2 });
    expect(typeof answer.json?.message).toBe('string');
  });

  it.each([
    [500, 'internal_error'],
    [503, 'service_unavailable'],
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'conflict'],
    [400, 'bad_request'],
    [502, 'internal_error'],
  ])('answers %i with DevRev type %s', async (status, type) => {
    emu = await startEmulator();
    emu.enqueue({ type: 'status', status });
    const answer = await mint(emu);
    expect(answer.status).toBe(status);
    expect(answer.json?.type).toBe(type);
    expect(answer.headers.get('retry-after')).toBeNull();
    if (status === 500) expect(typeof answer.json?.reference_id).toBe('string');
  });

  it('sends a given body instead: JSON for values, as is for strings', async () => {
    emu = await startEmulator();
    emu.enqueue(
      { type: 'status', status: 400, body: { type: 'value_not_permitted', message: 'no' } },
      { type: 'status', status: 502, body: '<html>Bad gateway</html>' },
    );
    expect((await mint(emu)).json).toEqual({ type: 'value_not_permitted', message: 'no' });
    const html = await mint(emu);
    expect(html.status).toBe(502);
    expect(html.text).toBe('<html>Bad gateway</html>');
  });

  it('replaces the answer even when the request would have been refused', async () => {
    emu = await startEmulator({ appAccessToken: 'aat' });
    emu.enqueue({ type: 'status', status: 503 });
    expect((await mint(emu, undefined, { auth: 'wrong' })).status).toBe(503);
    expect((await mint(emu, undefined, { auth: 'wrong' })).status).toBe(401);
  });
});

describe('the fault queue', () => {
  it('hands faults out in order, one per call on either path, then behaves normally', async () => {
    emu = await startEmulator();
    emu.enqueue(
      { type: 'status', status: 500 },
      { type: 'malformed' },
      { type: 'no-token' },
      { type: 'delay', ms: 150 },
    );
    const first = await mint(emu);
    expect(first.status).toBe(500);

    const malformed = await mint(emu, undefined, { path: '/auth-tokens.create' });
    expect(malformed.status).toBe(200);
    expect(malformed.json).toBeUndefined();

    const noToken = await mint(emu);
    expect(noToken.status).toBe(201);
    expect(noToken.json).toMatchObject({ token_type: 'bearer' });
    expect(noToken.json).not.toHaveProperty('access_token');

    const started = Date.now();
    const delayed = await mint(emu);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(delayed.status).toBe(201);
    expect(typeof delayed.json?.access_token).toBe('string');

    const normal = await mint(emu);
    expect(normal.status).toBe(201);
    expect(emu.calls.map((call) => call.status)).toEqual([500, 200, 201, 201, 201]);
  });

  it('applies a persistent fault to every call until cleared, after the queue', async () => {
    emu = await startEmulator();
    emu.setFault({ type: 'status', status: 503 });
    emu.enqueue({ type: 'status', status: 429 });
    expect((await mint(emu)).status).toBe(429);
    expect((await mint(emu)).status).toBe(503);
    expect((await mint(emu, undefined, { path: '/auth-tokens.create' })).status).toBe(503);
    emu.setFault(undefined);
    expect((await mint(emu)).status).toBe(201);
  });

  it('refuses malformed faults where they are given, leaving the queue as it was', async () => {
    emu = await startEmulator();
    const bad = [
      { type: 'status', status: 42 },
      { type: 'status', status: 429, retryAfterSeconds: -1 },
      { type: 'oversize', bytes: -5 },
      { type: 'drip', intervalMs: Number.NaN },
      { type: 'delay' },
      { type: 'explode' },
    ] as unknown as EmulatorFault[];
    for (const fault of bad) {
      expect(() => emu.enqueue({ type: 'no-token' }, fault)).toThrow(TypeError);
      expect(() => emu.setFault(fault)).toThrow(TypeError);
    }
    expect((await mint(emu)).status).toBe(201);
  });
});

describe('connection faults', () => {
  it('hangs until close() destroys the socket', async () => {
    emu = await startEmulator();
    emu.enqueue({ type: 'hang' });
    const pending = mint(emu);
    const outcome = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => emu.calls.length).toBe(1);
    const raced = await Promise.race([outcome, new Promise((r) => setTimeout(r, 300, 'waiting'))]);
    expect(raced).toBe('waiting');
    expect(emu.calls[0]?.status).toBeUndefined();
    const closing = Date.now();
    await emu.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    expect(await outcome).toBe('failed');
  });

  it('resets the socket, which the client sees as a network error', async () => {
    emu = await startEmulator();
    emu.enqueue({ type: 'reset' });
    await expect(mint(emu)).rejects.toThrow();
    expect((await mint(emu)).status).toBe(201);
  });

  it('drips a valid body one byte at a time', async () => {
    emu = await startEmulator();
    emu.enqueue({ type: 'drip', intervalMs: 2 });
    const started = Date.now();
    const answer = await rawMint(emu.url);
    expect(answer.status).toBe(201);
    const body = JSON.parse(answer.body.toString('utf8')) as { access_token: string };
    expect(emu.verifyToken(body.access_token).valid).toBe(true);
    // Bytes can coalesce in the client's reads on a busy machine, but never into a few.
    expect(answer.chunks).toBeGreaterThan(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(answer.body.length);
  });

  it('ends a drip when closed', async () => {
    emu = await startEmulator();
    emu.enqueue({ type: 'drip' });
    const outcome = rawMint(emu.url).then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => emu.calls.length).toBe(1);
    await emu.close();
    expect(await outcome).toBe('failed');
  });

  it('streams an oversize JSON body of exactly the bytes asked for', async () => {
    emu = await startEmulator();
    const bytes = 3 * 1024 * 1024 + 7;
    emu.enqueue(
      { type: 'oversize', bytes },
      { type: 'oversize', bytes: 10 },
      { type: 'oversize', bytes: 1 },
    );
    const big = await rawMint(emu.url);
    expect(big.status).toBe(201);
    expect(big.body.length).toBe(bytes);
    const parsed = JSON.parse(big.body.toString('utf8')) as { access_token: string };
    expect(emu.verifyToken(parsed.access_token).valid).toBe(true);

    const small = await rawMint(emu.url);
    expect(small.body.toString()).toBe(`"${'x'.repeat(8)}"`);
    expect((await rawMint(emu.url)).body.toString()).toBe('0');
  });
});

describe('latency', () => {
  it('delays every answer by latencyMs, adjustable with setLatency', async () => {
    emu = await startEmulator({ latencyMs: 400 });
    let started = Date.now();
    expect((await mint(emu)).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);

    emu.setLatency(0);
    started = Date.now();
    await mint(emu);
    // Generous: only "clearly without the 400 ms", so a loaded machine doesn't flake.
    expect(Date.now() - started).toBeLessThan(300);

    emu.setLatency(200);
    emu.enqueue({ type: 'status', status: 500 });
    started = Date.now();
    expect((await mint(emu)).status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(() => emu.setLatency(-1)).toThrow(RangeError);
  });
});

describe('many answers waiting at once', () => {
  it('serves 30 concurrent delayed calls without a listener-leak warning', async () => {
    emu = await startEmulator({ latencyMs: 50 });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => mint(emu)));
      expect(answers.every((answer) => answer.status === 201)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
