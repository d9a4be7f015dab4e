import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

type Headers = Record<string, string | number>;

/** Sends `body` as JSON with an exact `content-length`; a no-op if the client is gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Headers = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

// The `type` DevRev puts in its error bodies for each status (devrev-contract.md, Errors).
const ERROR_TYPES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

const MESSAGES: Record<string, string> = {
  bad_request: 'The request is invalid.',
  unauthenticated: 'The authorization header is missing or not a valid application access token.',
  forbidden: 'The token is not allowed to create session tokens.',
  not_found: 'No such endpoint.',
  method_not_allowed: 'This method is not allowed here.',
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'The request body is too large.',
  too_many_requests: 'Too many requests; retry later.',
  internal_error: 'An internal error occurred.',
  service_unavailable: 'The service is temporarily unavailable.',
};

/**
 * DevRev's error body for a status: `{ type, message }`, plus `reference_id` for 500 and
 * `retry_after` for 429 when a delay is given. Unlisted statuses get `internal_error`
 * (5xx) or `bad_request` (anything else).
 */
export function errorBody(
  status: number,
  message?: string,
  retryAfterSeconds?: number,
): Record<string, unknown> {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
  const body: Record<string, unknown> = { type, message: message ?? MESSAGES[type] };
  if (type === 'internal_error') body.reference_id = randomUUID();
  if (status === 429 && retryAfterSeconds !== undefined) body.retry_after = retryAfterSeconds;
  return body;
}
