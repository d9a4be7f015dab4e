import type { HeaderValue, ResponseFacts } from './http-types.js';

/** A header as one lowercase string; several values joined with commas, as HTTP does. */
function headerText(value: HeaderValue): string {
  if (value === undefined) return '';
  return (typeof value === 'object' ? value.join(',') : String(value)).toLowerCase();
}

/**
 * Whether a response may get the snippet: a `GET` (not `HEAD`) answered 200–299 except 204
 * (no body) and 206 (a byte range of the page), with a `text/html` content type, no
 * `content-encoding` other than `identity` (we never decode), and no `no-transform` in its
 * `cache-control` (RFC 9111 §5.2.2.6 forbids changing such a body).
 * @example
 * isInjectable({ method: 'GET', status: 200, headers }); // true for a plain HTML page
 */
export function isInjectable(facts: ResponseFacts): boolean {
  const { method, status, headers } = facts;
  // Methods are case-sensitive (RFC 9110 §9.1): only GET is injected.
  if (method !== 'GET') return false;
  if (
    !Number.isInteger(status) ||
    status < 200 ||
    status > 299 ||
    status === 204 ||
    status === 206
  ) {
    return false;
  }
  const type = headerText(headers.get('content-type')).split(';')[0]!.trim();
  if (type !== 'text/html') return false;
  const encodings = headerText(headers.get('content-encoding'))
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '');
  if (encodings.some((coding) => coding !== 'identity')) return false;
  const cacheControl = headerText(headers.get('cache-control'));
  return !cacheControl.split(',').some((directive) => directive.trim() === 'no-transform');
}
