/**
 * How long DevRev asks us to wait, in milliseconds, from a 429's `Retry-After` header
 * (RFC 9110 §10.2.3: delay-seconds or an HTTP date) or, failing that, the body's
 * `retry_after` (seconds). `undefined` when neither holds a usable value.
 */
export function retryAfterMs(header: unknown, bodyValue: unknown, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
    const date = Date.parse(text);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const seconds = typeof bodyValue === 'string' ? Number(bodyValue) : bodyValue;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  return undefined;
}
