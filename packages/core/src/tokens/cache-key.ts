/**
 * SHA-256 of a text's UTF-8 bytes, as lowercase hex: node:crypto on Node, @noble/hashes
 * elsewhere. Synchronous, so that a cached lookup stays synchronous; the same keys on every
 * runtime, so that a shared store serves instances on different runtimes alike.
 */
export type Sha256Hex = (text: string) => string;

/**
 * The scope of one token provider: a hash of its endpoint and AAT, computed once at
 * creation, so that two providers sharing a store never share tokens and the raw AAT is
 * never part of a key.
 */
export function cacheScope(endpoint: URL, appAccessToken: string, sha256: Sha256Hex): string {
  return sha256(`${endpoint.href}\n${appAccessToken}`);
}

/**
 * The cache key of a validated rev_info: the SHA-256 (hex) of the scope and the rev_info's
 * canonical JSON. The same refs and traits give the same key whatever the key order;
 * changed traits give a new key. Keys hold no personal data.
 *
 * @example
 * const key = cacheKey({ user_ref: 'u1' }, cacheScope(endpoint, aat, sha256), sha256);
 */
export function cacheKey(revInfo: unknown, scope: string, sha256: Sha256Hex): string {
  return sha256(`${scope}\n${canonicalJson(revInfo)}`);
}

/**
 * JSON with object keys sorted at every depth, as `JSON.stringify` would write it
 * otherwise (`undefined` members dropped, array order kept).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort()) {
      sorted[key] = (member as Record<string, unknown>)[key];
    }
    return sorted;
  });
}
