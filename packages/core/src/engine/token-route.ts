import { jwtTimes } from '../upstream/expiry.js';
import type { TokenRouteResponse } from './plug-session-types.js';
import type { Resolution } from './resolution.js';

const HEADERS = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  // A token is one user's secret: no cache may keep or share it.
  'cache-control': 'no-store',
  // JSON is never to be sniffed into something a browser would run.
  'x-content-type-options': 'nosniff',
});

/**
 * The token route's answer: identified → 200 `{session_token, expires_at}`; anonymous →
 * 200 `{session_token: null}`; no token could be had → 503 `{error: code}`.
 */
export function tokenRouteResponse(resolution: Resolution): TokenRouteResponse {
  switch (resolution.kind) {
    case 'identified':
      return {
        status: 200,
        headers: { ...HEADERS },
        body: JSON.stringify({
          session_token: resolution.token,
          expires_at: ownExpiry(resolution.token, resolution.expiresAt).toISOString(),
        }),
      };
    case 'failed':
      return {
        status: 503,
        headers: { ...HEADERS },
        body: JSON.stringify({ error: resolution.error.code }),
      };
    default:
      return { status: 200, headers: { ...HEADERS }, body: '{"session_token":null}' };
  }
}

/**
 * The token's own expiry, as DevRev wrote it in the JWT: the cache times tokens from their
 * local receipt (to survive clock skew), but a client comparing `expires_at` with the
 * token it holds must see the same instant.
 */
export function ownExpiry(token: string, fallback: Date): Date {
  const { exp } = jwtTimes(token);
  return exp === undefined ? fallback : new Date(exp * 1000);
}
