import type { CachedToken } from '../tokens/token-store.js';

/** What {@link computeExpiry} needs to know about a freshly minted token. */
export interface ExpiryInput {
  /** The session token (a JWT, ideally with `exp` and `iat` claims). */
  accessToken: string;
  /** The response's `expires_in`, as DevRev sent it (any type; nonsense is ignored). */
  expiresIn?: unknown;
  /** When the response arrived, in epoch milliseconds of the local clock. */
  receivedAt: number;
  /**
   * The lifetime assumed when neither the JWT nor `expires_in` tells one.
   * @default 900000 (15 minutes)
   */
  defaultTtlMs?: number;
}

const DEFAULT_TTL_MS = 15 * 60_000;
const MAX_MARGIN_MS = 30_000;
const REFRESH_FRACTION = 0.75;
// A value this large cannot be a lifetime in seconds (31 years): DevRev's OpenAPI calls
// `expires_in` "seconds since Unix epoch", its docs call it a lifetime; accept both.
const EPOCH_THRESHOLD = 1e9;

/**
 * When a token expires, until when it may be handed out, and when to refresh it.
 *
 * The expiry is, in this order: the JWT's `exp`; else `expires_in` (above 10^9 an epoch
 * time in seconds, else seconds from `receivedAt`); else `receivedAt + defaultTtlMs`.
 * When the JWT has both `iat` and `exp`, its lifetime `exp − iat` is anchored at
 * `receivedAt` instead of trusting `exp` against the local clock: a server clock ahead of
 * ours would otherwise make tokens look expired (a mint per request), one behind would
 * make us serve expired tokens.
 *
 * `usableUntil` keeps back the last 30 s or the last tenth of the lifetime, whichever is
 * shorter; `refreshAt` is at 75 % of the lifetime (never after `usableUntil`).
 *
 * Nonsense is guarded: an `exp` not after `iat` ignores `iat`; a non-finite or
 * non-positive `expires_in` is ignored (the default applies, as it does for a nonsense
 * `defaultTtlMs`); an expiry at or before
 * `receivedAt` yields a token that is already expired (`usableUntil = refreshAt =
 * expiresAt`), which is handed to the request that minted it but never cached.
 *
 * @example
 * const times = computeExpiry({ accessToken, expiresIn: 3600, receivedAt: Date.now() });
 */
export function computeExpiry(input: ExpiryInput): CachedToken {
  const { accessToken, receivedAt, defaultTtlMs = DEFAULT_TTL_MS } = input;
  const expiresAt = expiryOf(accessToken, input.expiresIn, receivedAt, defaultTtlMs);
  const lifetime = expiresAt - receivedAt;
  if (!(lifetime > 0)) {
    return { token: accessToken, expiresAt, usableUntil: expiresAt, refreshAt: expiresAt };
  }
  const usableUntil = expiresAt - Math.min(MAX_MARGIN_MS, lifetime / 10);
  const refreshAt = Math.min(receivedAt + REFRESH_FRACTION * lifetime, usableUntil);
  return { token: accessToken, expiresAt, usableUntil, refreshAt };
}

function expiryOf(token: string, expiresIn: unknown, receivedAt: number, defaultTtl: number) {
  const { exp, iat } = jwtTimes(token);
  if (exp !== undefined) {
    if (iat !== undefined && exp > iat) return receivedAt + (exp - iat) * 1000;
    return exp * 1000;
  }
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) {
    return seconds > EPOCH_THRESHOLD ? seconds * 1000 : receivedAt + seconds * 1000;
  }
  return receivedAt + (Number.isFinite(defaultTtl) && defaultTtl > 0 ? defaultTtl : DEFAULT_TTL_MS);
}

/**
 * The `exp` and `iat` claims of a JWT (RFC 7519 §4.1.4, §4.1.6), as finite numbers of
 * seconds, or `undefined` each when absent or malformed. The signature is not checked:
 * the token comes straight from DevRev over TLS and is only used to time the cache.
 */
export function jwtTimes(token: string): { exp?: number; iat?: number } {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return {};
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlText(parts[1]));
  } catch {
    return {};
  }
  if (typeof payload !== 'object' || payload === null) return {};
  const { exp, iat } = payload as { exp?: unknown; iat?: unknown };
  return {
    ...(isTime(exp) ? { exp } : {}),
    ...(isTime(iat) ? { iat } : {}),
  };
}

/**
 * The UTF-8 text of base64url (RFC 4648 §5, padding optional) through `atob`, which every
 * runtime has. `atob` throws on anything that is not base64, as a malformed token should.
 */
function base64UrlText(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
