import type { HeaderAccess, HeaderValue } from './response-facts.js';

// Directives, commas inside quoted strings included (`no-cache="set-cookie, x"`).
const DIRECTIVE = /(?:[^,"]|"(?:[^"\\]|\\.)*")+/g;
// What lets a shared cache keep the response, or only part of it private (`private="x"`).
const SHAREABLE = /^(?:public|max-age|s-maxage|private\s*=.*|no-store\s*=.*)(?:\s*=.*)?$/is;

/**
 * A `cache-control` that no shared cache may store: `public`, `max-age` and `s-maxage` dropped,
 * other directives kept (`must-revalidate`, `no-cache`…), `private` and `no-store` added.
 * @example
 * privateNoStore('public, max-age=600, must-revalidate'); // 'must-revalidate, private, no-store'
 */
export function privateNoStore(value: HeaderValue): string {
  if (value === undefined) return 'private, no-store';
  const text =
    value === undefined ? '' : typeof value === 'object' ? value.join(',') : String(value);
  const kept = (text.match(DIRECTIVE) ?? [])
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !SHAREABLE.test(directive));
  const has = (name: string) => kept.some((directive) => directive.toLowerCase() === name);
  if (!has('private')) kept.push('private');
  if (!has('no-store')) kept.push('no-store');
  return kept.join(', ');
}

/**
 * The header changes an injected body needs: `content-length` set to `length` (removed for a
 * stream, whose length is unknown, and for a body its host will measure), `etag` and `last-modified` removed (they described the
 * original bytes), and for a page that carries a user's session token a private, no-store
 * `cache-control`, so that no shared cache can serve one user's token to another.
 */
export function rewriteInjectedHeaders(
  headers: HeaderAccess,
  change: { identified: boolean; length?: number | undefined },
): void {
  if (change.length === undefined) headers.remove('content-length');
  else headers.set('content-length', String(change.length));
  headers.remove('etag');
  headers.remove('last-modified');
  if (change.identified) headers.set('cache-control', privateNoStore(headers.get('cache-control')));
}
