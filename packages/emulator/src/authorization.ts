import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an `authorization` header passes. Without a configured AAT any non-empty value
 * does (a missing one never does); with one, the header must be the AAT itself (as
 * DevRev's own example sends it) or `Bearer <aat>` (as its OpenAPI says).
 */
export function isAuthorized(header: string | undefined, appAccessToken?: string): boolean {
  const given = header?.trim() ?? '';
  if (given === '') return false;
  if (appAccessToken === undefined) return true;
  const bare = given.replace(/^bearer\s+/i, '');
  // Comparing digests keeps the time independent of the AAT's length and content.
  const expected = digest(appAccessToken);
  return timingSafeEqual(digest(given), expected) || timingSafeEqual(digest(bare), expected);
}
