import { type PlugSessionError, type PlugSessionErrorDetails, redactSecret } from '../errors.js';
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
  body: Uint8Array | undefined;
  receivedAt: number;
}

/** DevRev's answer turned into an {@link AttemptResult}; see devrev-contract.md, "Errors". */
export function interpretResponse(response: UpstreamResponse, secret: string): AttemptResult {
  const { status } = response;
  const json = parseObject(response.body);
  if (status >= 200 && status < 300) return success(response, json, secret);
  const { message, ...words } = wordsOf(json, secret);
  const said = describe(status, message, words);
  const details: PlugSessionErrorDetails = { status, ...words };
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
  // No transport follows redirects: a 3xx means the endpoint URL is not the token endpoint.
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

/** DevRev's own words in an error body (devrev-contract.md, "Errors"). */
interface UpstreamWords {
  type?: string;
  message?: string;
  fieldName?: string;
  detail?: string;
}

/**
 * The strings of an error body that we pass on, redacted before they are cut short (a cut
 * could otherwise leave part of an echoed AAT that redaction no longer recognises), and
 * bounded so that a verbose endpoint cannot make every error carry kilobytes.
 */
function wordsOf(json: Record<string, unknown> | undefined, secret: string): UpstreamWords {
  const words: UpstreamWords = {};
  const keys = [
    ['type', 'type'],
    ['message', 'message'],
    ['fieldName', 'field_name'],
    ['detail', 'detail'],
  ] as const;
  for (const [name, key] of keys) {
    const value = json?.[key];
    if (typeof value === 'string' && value !== '')
      words[name] = clip(redactSecret(value, secret), 1000);
  }
  return words;
}

/**
 * "400 invalid_field: Invalid field; field_name: rev_info.user_ref; detail: …", from the
 * status and DevRev's error body.
 */
function describe(status: number, message: string | undefined, words: UpstreamWords): string {
  const { type, fieldName, detail } = words;
  let text = type === undefined ? String(status) : `${status} ${type}`;
  if (message !== undefined) text += `: ${clip(message, 300)}`;
  if (fieldName !== undefined) text += `; field_name: ${clip(fieldName, 300)}`;
  if (detail !== undefined && detail !== message) text += `; detail: ${clip(detail, 300)}`;
  return text;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function parseObject(body: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (body === undefined || body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
