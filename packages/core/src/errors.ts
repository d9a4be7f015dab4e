/**
 * Every failure plug-session reports is a {@link PlugSessionError} with one of these codes.
 *
 * - `INVALID_REV_INFO`: `resolveUser` returned a rev_info that fails {@link revInfoSchema}; no call was made.
 * - `RESOLVER_FAILED`: `resolveUser` threw or rejected.
 * - `UNAUTHORIZED`: DevRev answered 401 or 403: the application access token is invalid, expired or not an AAT.
 * - `BAD_REQUEST`: DevRev answered another 4xx (400, 404, 409…); not retried. A 400's
 *   `fieldName` and `detail` say what DevRev found wrong.
 * - `RATE_LIMITED`: DevRev answered 429 and the time budget did not allow waiting for `Retry-After`.
 * - `UPSTREAM_UNAVAILABLE`: DevRev answered 5xx (after retries), or the circuit breaker is open.
 * - `TIMEOUT`: the `timeoutMs` budget ran out.
 * - `NETWORK`: the connection failed or was reset (after retries).
 * - `BAD_RESPONSE`: a 2xx whose body is not JSON, too large, or has no string `access_token`.
 * - `INVALID_NONCE`: a CSP nonce that is not a plain base64/base64url token; the snippet is not injected.
 * - `STORE_FAILED`: a shared {@link TokenStore} failed; the in-memory path is used instead.
 */
export type PlugSessionErrorCode =
  | 'INVALID_REV_INFO'
  | 'RESOLVER_FAILED'
  | 'UNAUTHORIZED'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'BAD_RESPONSE'
  | 'INVALID_NONCE'
  | 'STORE_FAILED';

/** One problem found in a rev_info: a dotted path from its root and what is wrong there. */
export interface RevInfoIssue {
  /** Dotted path from the rev_info's root, such as `user_traits.phone_numbers.0`; `''` for the root. */
  path: string;
  message: string;
}

export interface PlugSessionErrorDetails {
  /** The HTTP status DevRev answered with, when there was one. */
  status?: number;
  /** DevRev's error `type` (`unauthenticated`, `invalid_field`…), when its body had one. */
  type?: string;
  /**
   * DevRev's `field_name`: the field it found wrong (its 400s `invalid_field`,
   * `missing_required_field`, `value_not_permitted`, `unexpected_json_type` carry one).
   */
  fieldName?: string;
  /** DevRev's `detail`: what it says beyond its `message`, when its body had one. */
  detail?: string;
  /** The validation problems, for `INVALID_REV_INFO`. */
  issues?: RevInfoIssue[];
  /** How long DevRev asked us to wait, in milliseconds, for `RATE_LIMITED`. */
  retryAfterMs?: number;
  cause?: unknown;
}

const HELP: Record<PlugSessionErrorCode, string> = {
  INVALID_REV_INFO: 'fix what resolveUser returns; no call was made to DevRev',
  RESOLVER_FAILED: 'resolveUser threw; the request went on without a token',
  UNAUTHORIZED:
    'the application access token (AAT) is invalid, expired or lacks rights: create a new one in DevRev under Settings > Support > PLuG Tokens',
  BAD_REQUEST: 'DevRev refused the request; check the endpoint URL and the rev_info',
  RATE_LIMITED: 'DevRev is rate limiting this AAT; cached tokens are still served',
  UPSTREAM_UNAVAILABLE: 'DevRev is failing; pages render without a session token until it recovers',
  TIMEOUT: 'DevRev did not answer within timeoutMs; pages render without a session token',
  NETWORK: 'DevRev could not be reached; check the endpoint and the network',
  BAD_RESPONSE: 'DevRev answered with a body that holds no access_token; check the endpoint URL',
  INVALID_NONCE: 'the CSP nonce must be a base64 or base64url token; the snippet was not injected',
  STORE_FAILED: 'the token store failed; tokens are cached in memory meanwhile',
};

/** The help text that follows an error's message, telling the user what to do. */
export function helpFor(code: PlugSessionErrorCode): string {
  return HELP[code];
}

/**
 * The one error class of plug-session. Its message says what happened and what to do.
 * It never holds the application access token: secrets are redacted where errors are made
 * (see {@link redactSecret}).
 */
export class PlugSessionError extends Error {
  override readonly name = 'PlugSessionError';
  readonly code: PlugSessionErrorCode;
  readonly status?: number;
  readonly type?: string;
  readonly fieldName?: string;
  readonly detail?: string;
  readonly issues?: RevInfoIssue[];
  readonly retryAfterMs?: number;

  constructor(code: PlugSessionErrorCode, message: string, details: PlugSessionErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.type !== undefined) this.type = details.type;
    if (details.fieldName !== undefined) this.fieldName = details.fieldName;
    if (details.detail !== undefined) this.detail = details.detail;
    if (details.issues !== undefined) this.issues = details.issues;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.type === undefined ? {} : { type: this.type }),
      ...(this.fieldName === undefined ? {} : { fieldName: this.fieldName }),
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}

export function isPlugSessionError(value: unknown): value is PlugSessionError {
  return value instanceof PlugSessionError;
}

const REDACTED = '[redacted]';

/** Replaces every occurrence of `secret` (and its `Bearer`-less form) in `text`. */
export function redactSecret(text: string, secret: string): string {
  if (!secret) return text;
  let out = text.split(secret).join(REDACTED);
  const bare = secret.replace(/^bearer\s+/i, '');
  if (bare && bare !== secret) out = out.split(bare).join(REDACTED);
  return out;
}
