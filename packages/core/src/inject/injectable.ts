import type { HeaderValue, ResponseFacts } from './response-facts.js';

/** A header as one lowercase string; several values joined with commas, as HTTP does. */
function headerText(value: HeaderValue): string {
  if (value === undefined) return '';
  return (typeof value === 'object' ? value.join(',') : String(value)).toLowerCase();
}

/** `text/html` of `Text/HTML; charset=utf-8`. */
function mediaType(value: HeaderValue): string {
  const text = headerText(value);
  const end = text.indexOf(';');
  return (end === -1 ? text : text.slice(0, end)).trim();
}

const isIdentity = (encodings: string): boolean =>
  encodings.split(',').every((coding) => {
    const name = coding.trim();
    return name === '' || name === 'identity';
  });

const hasNoTransform = (cacheControl: string): boolean =>
  cacheControl.split(',').some((directive) => directive.trim() === 'no-transform');

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
  if (mediaType(headers.get('content-type')) !== 'text/html') return false;
  // Most pages have neither header: nothing to parse.
  const encoding = headers.get('content-encoding');
  if (encoding !== undefined && !isIdentity(headerText(encoding))) return false;
  const cacheControl = headers.get('cache-control');
  return cacheControl === undefined || !hasNoTransform(headerText(cacheControl));
}
