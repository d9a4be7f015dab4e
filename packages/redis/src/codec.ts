import type { CachedToken } from '@plug-session/core';

/**
 * The Redis value of a cached token: JSON of the token and its three times, and nothing
 * else, whatever else the object carries.
 *
 * @example
 * encodeToken({ token: 'eyJ…', expiresAt: 1767225600000, usableUntil: 1767225240000, refreshAt: 1767224880000 });
 * // '{"token":"eyJ…","expiresAt":1767225600000,"usableUntil":1767225240000,"refreshAt":1767224880000}'
 */
export function encodeToken(value: CachedToken): string {
  const { token, expiresAt, usableUntil, refreshAt } = value;
  return JSON.stringify({ token, expiresAt, usableUntil, refreshAt });
}

/**
 * The cached token in a Redis reply, or `undefined` for no entry and for anything that is not
 * one (not JSON, a stale format, a value another program wrote): a corrupt entry is a miss.
 *
 * @example
 * decodeToken(null); // undefined
 * decodeToken('{"token":42}'); // undefined
 */
export function decodeToken(reply: unknown): CachedToken | undefined {
  const text = replyText(reply);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { token, expiresAt, usableUntil, refreshAt } = parsed as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') return undefined;
  if (!isTime(expiresAt) || !isTime(usableUntil) || !isTime(refreshAt)) return undefined;
  return { token, expiresAt, usableUntil, refreshAt };
}

const utf8 = new TextDecoder();

/** A string or bulk reply as text (a client with a Buffer type mapping answers bytes). */
export function replyText(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return utf8.decode(reply);
  return undefined;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
