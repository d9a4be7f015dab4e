import {
  helpFor,
  PlugSessionError,
  type PlugSessionErrorCode,
  type PlugSessionErrorDetails,
  redactSecret,
} from '../errors.js';
import { UpstreamNetworkError } from './transport.js';

/**
 * A {@link PlugSessionError} whose message is `what` followed by what to do about it, with
 * `secret` (the AAT) redacted from the message and the stack where the error is made.
 */
export function upstreamError(
  code: PlugSessionErrorCode,
  what: string,
  secret: string,
  details: PlugSessionErrorDetails = {},
): PlugSessionError {
  const error = new PlugSessionError(
    code,
    redactSecret(`${what}; ${helpFor(code)}`, secret),
    details,
  );
  if (error.stack) error.stack = redactSecret(error.stack, secret);
  return error;
}

/**
 * A plain `Error` standing for `error` as a `cause`: its name, `code` and redacted message,
 * nothing else. undici's errors can reference the request options, and a fetch rejection its
 * request, and so the AAT in the headers; they are never attached themselves.
 */
export function sanitizedCause(error: unknown, secret: string): Error {
  const source = error instanceof Error ? error : undefined;
  const message = redactSecret(source ? source.message : String(error), secret);
  const cause = new Error(message);
  cause.name = redactSecret(source?.name ?? 'Error', secret);
  const code = errorCode(error);
  if (code !== undefined) {
    Object.defineProperty(cause, 'code', { value: code, enumerable: true });
  }
  // Keep the original stack (a resolver's own frames help its author), redacted.
  const stack = source?.stack ?? cause.stack;
  if (stack) cause.stack = redactSecret(stack, secret);
  return cause;
}

/** Any thrown value as a PlugSessionError, never carrying the secret. */
export function toPlugSessionError(value: unknown, secret: string): PlugSessionError {
  if (value instanceof PlugSessionError) return value;
  return new PlugSessionError('NETWORK', 'an unexpected error stopped the token request', {
    cause: sanitizedCause(value, secret),
  });
}

/** The `code` of a Node or undici error (`ECONNRESET`, `UND_ERR_SOCKET`…), if any. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

// Transient failures worth another attempt within the budget. ENOTFOUND is left out on
// purpose: a misspelt host name does not heal in two seconds (EAI_AGAIN is the transient
// DNS failure).
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * Whether a connection failure is transient, so that another attempt may succeed: a fetch
 * transport says so itself; a Node or undici error by its `code`.
 */
export function isRetryableNetworkError(error: unknown): boolean {
  if (error instanceof UpstreamNetworkError) return error.transient;
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether undici gave up waiting (its per-attempt timeouts are set to the remaining budget).
 * A fetch transport has no timeouts of its own: the budget's signal aborts it.
 */
export function isTimeoutError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TIMEOUT_CODES.has(code);
}
