import type { TokenStore } from '../tokens/token-store.js';
import { normalizeInject } from './inject-options.js';
import {
  HEADER_BREAK,
  isRecord,
  NOT_IN_HEADER,
  optionalFunction,
  PlugSessionOptionsError,
} from './option-checks.js';
import type { CacheOptions, InjectScriptOptions, PlugSessionOptions } from './option-types.js';

export const DEFAULT_ENDPOINT = 'https://api.devrev.ai/internal/auth-tokens.create';
export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_CACHE_MAX = 10_000;
export { DEFAULT_SCRIPT_SRC } from './inject-options.js';
export { PlugSessionOptionsError } from './option-checks.js';

/** The options after validation, with every default filled in. */
export interface NormalizedOptions<Req> {
  appAccessToken: string;
  resolveUser: PlugSessionOptions<Req>['resolveUser'];
  appId: string | undefined;
  endpoint: URL;
  timeoutMs: number;
  inject:
    | {
        scriptSrc: string;
        initOptions: Record<string, unknown>;
        nonce: InjectScriptOptions<Req>['nonce'];
        anonymous: boolean;
      }
    | undefined;
  tokenRoute: string | undefined;
  cache: CacheOptions;
  onError: PlugSessionOptions<Req>['onError'];
  skip: PlugSessionOptions<Req>['skip'];
}

function normalizeEndpoint(value: string | URL | undefined): URL {
  if (value === undefined) return new URL(DEFAULT_ENDPOINT);
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== 'string' || HEADER_BREAK.test(text)) {
    throw new PlugSessionOptionsError('endpoint', 'must be a URL string without line breaks');
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new PlugSessionOptionsError(
      'endpoint',
      'is not a valid URL: give the full URL, like https://api.devrev.ai/internal/auth-tokens.create',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PlugSessionOptionsError('endpoint', `must be an http(s) URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new PlugSessionOptionsError('endpoint', 'must not carry credentials; use appAccessToken');
  }
  return url;
}

function normalizeAppAccessToken(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PlugSessionOptionsError(
      'appAccessToken',
      'is required: pass the application access token from DevRev (Settings > Support > PLuG Tokens), e.g. process.env.DEVREV_AAT',
    );
  }
  const trimmed = value.trim();
  if (HEADER_BREAK.test(trimmed)) {
    throw new PlugSessionOptionsError('appAccessToken', 'must not contain line breaks');
  }
  // undici refuses such a header on every request, which would look like a network failure.
  if (NOT_IN_HEADER.test(trimmed)) {
    throw new PlugSessionOptionsError(
      'appAccessToken',
      'holds a character an HTTP header cannot carry (a control character, or one above U+00FF): copy the AAT from DevRev again',
    );
  }
  return trimmed;
}

function normalizeTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PlugSessionOptionsError('timeoutMs', 'must be a positive number of milliseconds');
  }
  return value;
}

function normalizeAppId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || HEADER_BREAK.test(value)) {
    throw new PlugSessionOptionsError('appId', 'must be a non-empty string');
  }
  return value.trim();
}

function normalizeTokenRoute(value: unknown): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'string' || !value.startsWith('/') || /[\s?#]/.test(value)) {
    throw new PlugSessionOptionsError(
      'tokenRoute',
      'must be false or a path starting with /, like /plug/session',
    );
  }
  return value;
}

function normalizeCache(value: unknown): CacheOptions {
  if (value === undefined) return { max: DEFAULT_CACHE_MAX };
  if (value === false) return false;
  if (!isRecord(value)) throw new PlugSessionOptionsError('cache', 'must be false or an object');
  const max = value.max ?? DEFAULT_CACHE_MAX;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new PlugSessionOptionsError('cache.max', 'must be a positive whole number');
  }
  const store = value.store;
  if (store === undefined) return { max };
  const ok =
    isRecord(store) &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.delete === 'function';
  if (!ok) throw new PlugSessionOptionsError('cache.store', 'must implement get, set and delete');
  return { max, store: store as unknown as TokenStore };
}

/** Validates options once, at creation; throws {@link PlugSessionOptionsError} naming the option. */
export function normalizeOptions<Req>(options: PlugSessionOptions<Req>): NormalizedOptions<Req> {
  if (!isRecord(options)) {
    throw new PlugSessionOptionsError(
      'options',
      'must be an object with appAccessToken and resolveUser',
    );
  }
  const appAccessToken = normalizeAppAccessToken(options.appAccessToken);
  if (typeof options.resolveUser !== 'function') {
    throw new PlugSessionOptionsError(
      'resolveUser',
      'is required: a function (req) => rev_info | null that says who is logged in',
    );
  }
  const appId = normalizeAppId(options.appId);
  return {
    appAccessToken,
    resolveUser: options.resolveUser,
    appId,
    endpoint: normalizeEndpoint(options.endpoint),
    timeoutMs: normalizeTimeout(options.timeoutMs),
    inject: normalizeInject(options.injectScript, appId),
    tokenRoute: normalizeTokenRoute(options.tokenRoute),
    cache: normalizeCache(options.cache),
    onError: optionalFunction('onError', options.onError),
    skip: optionalFunction('skip', options.skip),
  };
}
