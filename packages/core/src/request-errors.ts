import { isPlugSessionError, PlugSessionError, redactSecret } from './errors.js';

/**
 * A copy of a thrown value that is safe to keep as a `cause`: same name and message, the
 * secret redacted from both and from the stack, and nothing else of the original attached
 * (a user's error object may reference request state we must not keep alive or expose).
 */
export function sanitizedCause(value: unknown, secret: string): Error {
  const original = value instanceof Error ? value : new Error(String(value));
  const copy = new Error(redactSecret(original.message, secret));
  copy.name = original.name;
  copy.stack = redactSecret(original.stack ?? `${copy.name}: ${copy.message}`, secret);
  return copy;
}

/** Any thrown value as a PlugSessionError, never carrying the secret. */
export function toPlugSessionError(value: unknown, secret: string): PlugSessionError {
  if (isPlugSessionError(value)) return value;
  return new PlugSessionError('NETWORK', 'an unexpected error stopped the token request', {
    cause: sanitizedCause(value, secret),
  });
}
