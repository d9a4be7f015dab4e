import { describe, expect, it } from 'vitest';
import type { PlugSessionOptions } from '../src/options/option-types.js';
import { normalizeOptions, PlugSessionOptionsError } from '../src/options/options.js';

const base: PlugSessionOptions<unknown> = {
  appAccessToken: 'aat-SECRET-options',
  resolveUser: () => null,
};

function problemWith(options: unknown): PlugSessionOptionsError {
  try {
    normalizeOptions(options as PlugSessionOptions<unknown>);
  } catch (error) {
    if (error instanceof PlugSessionOptionsError) return error;
    throw error;
  }
  throw new Error('expected the options to be refused');
}

describe('options', () => {
  it('fills in the documented defaults', () => {
    const options = normalizeOptions(base);
    expect(options.endpoint.href).toBe('https://api.devrev.ai/internal/auth-tokens.create');
    expect(options.timeoutMs).toBe(2000);
    expect(options.inject).toBeUndefined();
    expect(options.tokenRoute).toBeUndefined();
    expect(options.cache).toEqual({ max: 10_000 });
  });

  it('trims a trailing newline from the application access token', () => {
    expect(normalizeOptions({ ...base, appAccessToken: ' aat-x\n' }).appAccessToken).toBe('aat-x');
  });

  it.each([
    [{ ...base, appAccessToken: undefined }, 'appAccessToken'],
    [{ ...base, appAccessToken: '   ' }, 'appAccessToken'],
    [{ ...base, appAccessToken: 'a\r\nx-evil: 1' }, 'appAccessToken'],
    [{ ...base, resolveUser: undefined }, 'resolveUser'],
    [{ ...base, injectScript: true }, 'appId'],
    [{ ...base, endpoint: 'not a url' }, 'endpoint'],
    [{ ...base, endpoint: 'ftp://api.devrev.ai/x' }, 'endpoint'],
    [{ ...base, endpoint: 'https://api.devrev.ai/x\r\nHost: evil' }, 'endpoint'],
    [{ ...base, timeoutMs: 0 }, 'timeoutMs'],
    [{ ...base, timeoutMs: -5 }, 'timeoutMs'],
    [{ ...base, timeoutMs: Number.NaN }, 'timeoutMs'],
    [{ ...base, tokenRoute: 'plug/session' }, 'tokenRoute'],
    [{ ...base, cache: { max: 0 } }, 'cache.max'],
    [{ ...base, cache: { store: {} } }, 'cache.store'],
    [{ ...base, onError: 'log' }, 'onError'],
  ])('refuses invalid options naming the option (%#: %s)', (options, option) => {
    const error = problemWith(options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
  });

  it('never puts the application access token in an option error', () => {
    const error = problemWith({ ...base, endpoint: 'nope', appAccessToken: 'aat-SECRET-options' });
    expect(JSON.stringify(error)).not.toContain('aat-SECRET');
    expect(error.stack).not.toContain('aat-SECRET');
  });

  it('accepts injection with an appId and fills in the script defaults', () => {
    const options = normalizeOptions({ ...base, appId: 'app', injectScript: true });
    expect(options.inject).toMatchObject({
      scriptSrc: 'https://plug-platform.devrev.ai/static/plug.js',
      initOptions: {},
      anonymous: true,
    });
  });

  it('accepts a URL object as the endpoint and false to turn the cache off', () => {
    const options = normalizeOptions({
      ...base,
      endpoint: new URL('http://127.0.0.1:9/auth-tokens.create'),
      cache: false,
    });
    expect(options.endpoint.port).toBe('9');
    expect(options.cache).toBe(false);
  });
});
