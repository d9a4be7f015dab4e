import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../src/engine/runtime.js';
import type { PlugSessionError } from '../src/errors.js';
import { createTokenProvider, type TokenProviderOptions } from '../src/tokens/token-provider.js';
import { type Answer, hang, json, raw, reset, startFakeDevRev } from './support/fake-devrev.js';
import { rejection } from './support/provider-harness.js';
import { providerParts, runtimes } from './support/runtimes.js';

const AAT = 'aat-SECRET-7f3b';
const u1 = { user_ref: 'u1' };
let devrev: Awaited<ReturnType<typeof startFakeDevRev>>;
let closers: (() => Promise<void>)[] = [];
let runtime: Runtime;

beforeEach(async () => {
  devrev = await startFakeDevRev();
});
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
  await devrev.close();
});

/** A worst-case DevRev that echoes the authorization header it received. */
const echo =
  (status: number, extra: Record<string, unknown> = {}, headers = {}): Answer =>
  (res, request) =>
    json(
      status,
      { type: 'echo', message: `bad ${request.headers.authorization}`, ...extra },
      headers,
    )(res, request);

function provider(options: Partial<TokenProviderOptions> = {}) {
  const p = createTokenProvider({
    endpoint: devrev.endpoint,
    appAccessToken: AAT,
    timeoutMs: 400,
    cache: {},
    ...providerParts(runtime),
    ...options,
  });
  closers.push(() => p.close());
  return p;
}

/** Every way an error can be printed, for the error and each cause down its chain. */
function expectNoSecret(error: unknown) {
  const texts = [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    texts.push(e.message, String(e.stack), String(e), JSON.stringify(e), inspect(e, { depth: 10 }));
    texts.push(JSON.stringify(Object.entries(e)));
  }
  for (const text of texts) expect(text).not.toContain('SECRET-7f3b');
  expect(seen.size).toBeGreaterThan(0);
}

describe.each(runtimes)('the AAT never appears in an error over %s', (_, given) => {
  beforeEach(() => {
    runtime = given;
  });

  it.each<[string, Answer, string]>([
    ['a 401 that echoes it', echo(401), 'UNAUTHORIZED'],
    ['a 403 that echoes it', echo(403), 'UNAUTHORIZED'],
    ['a 400 that echoes it', echo(400), 'BAD_REQUEST'],
    [
      'a 400 whose type, field_name and detail echo it',
      (res, r) =>
        json(400, {
          type: `invalid_field ${r.headers.authorization}`,
          message: `bad ${r.headers.authorization}`,
          field_name: `rev_info.${r.headers.authorization}`,
          detail: `no ${r.headers.authorization}`,
        })(res, r),
      'BAD_REQUEST',
    ],
    ['a 404 that echoes it', echo(404), 'BAD_REQUEST'],
    [
      'a 429 that echoes it',
      echo(429, { retry_after: 60 }, { 'retry-after': '60' }),
      'RATE_LIMITED',
    ],
    [
      'a non-JSON 200',
      (res, r) => raw(200, `oops ${r.headers.authorization}`)(res, r),
      'BAD_RESPONSE',
    ],
    ['a 201 without access_token', echo(201), 'BAD_RESPONSE'],
    ['a hang', hang, 'TIMEOUT'],
  ])('for %s', async (_, answer, code) => {
    devrev.always(answer);
    const p = provider();
    const error = await rejection<PlugSessionError>(p.getToken(u1));
    expect(error.code).toBe(code);
    expectNoSecret(error);
    // The fail-fast errors of the gate, when there is one for this failure.
    expectNoSecret(await rejection(p.getToken({ user_ref: 'u2' })));
  });

  it('for DevRev’s words cut short right after the start of the AAT they echo', async () => {
    // Cut at 300 (the message) and 1000 (the properties) characters: had the cut come before
    // the redaction, the first ten characters of the AAT would remain.
    devrev.always((res, r) =>
      json(400, {
        type: 'invalid_field',
        message: `${'x'.repeat(290)}${r.headers.authorization}`,
        field_name: `${'f'.repeat(290)}${r.headers.authorization}`,
        detail: `${'d'.repeat(990)}${r.headers.authorization}`,
      })(res, r),
    );
    const error = await rejection<PlugSessionError>(provider().getToken(u1));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.detail).toMatch(/^d+\[redacted\]$/);
    for (const text of [error.message, JSON.stringify(error), inspect(error)]) {
      expect(text).not.toContain('aat-SECRET');
    }
  });

  it('for 5xx that echo it, and the open breaker after them', async () => {
    devrev.always(echo(503));
    const p = provider({ timeoutMs: 200 });
    for (let i = 0; i < 5; i++) {
      const error = await rejection<PlugSessionError>(p.getToken({ user_ref: `u${i}` }));
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      expectNoSecret(error);
    }
    const open = await rejection<PlugSessionError>(p.getToken(u1));
    expect(open.message).toContain('circuit breaker');
    expectNoSecret(open);
  });

  it('for reset connections', async () => {
    devrev.always(reset);
    const error = await rejection<PlugSessionError>(provider().getToken(u1));
    expect(error.code).toBe('NETWORK');
    expectNoSecret(error);
  });

  it('for a refused connection', async () => {
    const endpoint = devrev.endpoint;
    await devrev.close();
    const error = await rejection<PlugSessionError>(provider({ endpoint }).getToken(u1));
    expect(error.code).toBe('NETWORK');
    expectNoSecret(error);
    devrev = await startFakeDevRev();
  });

  it('for a failing store whose error names it', async () => {
    const errors: PlugSessionError[] = [];
    const boom = () => {
      throw new Error(`cannot use ${AAT} as a password`);
    };
    const p = provider({
      cache: { store: { get: boom, set: boom, delete: boom } },
      onStoreError: (e) => errors.push(e),
    });
    await p.getToken(u1);
    expect(errors[0]?.code).toBe('STORE_FAILED');
    for (const error of errors) expectNoSecret(error);
  });

  it('for an AAT sent with a Bearer prefix', async () => {
    devrev.always(echo(401));
    const p = createTokenProvider({
      endpoint: devrev.endpoint,
      appAccessToken: `Bearer ${AAT}`,
      timeoutMs: 400,
      cache: {},
      ...providerParts(runtime),
    });
    closers.push(() => p.close());
    expectNoSecret(await rejection(p.getToken(u1)));
  });
});
