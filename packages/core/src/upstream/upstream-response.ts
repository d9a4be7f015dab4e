import type { PlugSessionError } from '../errors.js';
import type { CachedToken } from '../tokens/token-store.js';
import { computeExpiry } from './expiry.js';
import { retryAfterMs } from './retry-after.js';
import { upstreamError } from './upstream-errors.js';

/** What one attempt came to: a token, a failure worth retrying, or a final failure. */
export type AttemptResult =
  | { kind: 'token'; token: CachedToken; status: number }
  /** `waitMs`: the delay the server asked for (429 `Retry-After`), if any. */
  | { kind: 'retry'; error: PlugSessionError; waitMs?: number }
  | { kind: 'fail'; error: PlugSessionError };

/** A response as read: its status, headers and body (`undefined` when over the size limit). */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
  receivedAt: number;
}

/** DevRev's answer turned into an {@link AttemptResult}; see devrev-contract.md, "Errors". */
export function interpretResponse(response: UpstreamResponse, secret: string): AttemptResult {
  const { status } = response;
  const json = parseObject(response.body);
  const type = typeof json?.type === 'string' ? json.type : undefined;
  const said = describe(status, type, json?.message);
  const details = { status, ...(type === undefined ? {} : { type }) };
  if (status >= 200 && status < 300) return success(response, json, secret);
  if (status === 429) {
    const waitMs = retryAfterMs(
      response.headers['retry-after'],
      json?.retry_after,
      response.receivedAt,
    );
    const what = `DevRev is rate limiting token requests (${said})`;
    const error = upstreamError('RATE_LIMITED', what, secret, {
      ...details,
      ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
    });
    return { kind: 'retry', error, ...(waitMs === undefined ? {} : { waitMs }) };
  }
  if (status === 401 || status === 403) {
    const what = `DevRev rejected the application access token (${said})`;
    return { kind: 'fail', error: upstreamError('UNAUTHORIZED', what, secret, details) };
  }
  if (status >= 400 && status < 500) {
    const what = `DevRev refused the token request (${said})`;
    return { kind: 'fail', error: upstreamError('BAD_REQUEST', what, secret, details) };
  }
  if (status >= 500) {
    const what = `DevRev failed to mint a session token (${said})`;
    return { kind: 'retry', error: upstreamError('UPSTREAM_UNAVAILABLE', what, secret, details) };
  }
  // undici follows no redirects: a 3xx means the endpoint URL is not the token endpoint.
  const what = `the token endpoint answered ${status}, not a token`;
  return { kind: 'fail', error: upstreamError('BAD_RESPONSE', what, secret, details) };
}

function success(
  response: UpstreamResponse,
  json: Record<string, unknown> | undefined,
  secret: string,
): AttemptResult {
  const { status, body } = response;
  const problem =
    body === undefined
      ? 'a body over the size limit'
      : json === undefined
        ? 'a body that is not a JSON object'
        : typeof json.access_token !== 'string' || json.access_token === ''
          ? 'no string access_token'
          : undefined;
  if (problem !== undefined || json === undefined) {
    const what = `DevRev answered ${status} with ${problem}`;
    return { kind: 'fail', error: upstreamError('BAD_RESPONSE', what, secret, { status }) };
  }
  const token = computeExpiry({
    accessToken: json.access_token as string,
    expiresIn: json.expires_in,
    receivedAt: response.receivedAt,
  });
  return { kind: 'token', token, status };
}

/** "401 unauthenticated: Invalid token", from the status and DevRev's error body. */
function describe(status: number, type: string | undefined, message: unknown): string {
  let text = type === undefined ? String(status) : `${status} ${type}`;
  if (typeof message === 'string' && message !== '') {
    text += `: ${message.length > 300 ? `${message.slice(0, 300)}…` : message}`;
  }
  return text;
}

function parseObject(body: Buffer | undefined): Record<string, unknown> | undefined {
  if (body === undefined || body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
