import type { RevInfoIssue } from '../errors.js';
import { fingerprint } from './fingerprint.js';
import type { RevInfo } from './rev-info-schema.js';
import { validateRevInfo } from './rev-info-validation.js';

/** A rev_info that passed validation, with its cache key. */
export interface KnownRevInfo {
  success: true;
  revInfo: RevInfo;
  key: string;
}

export type RevInfoCheck = KnownRevInfo | { success: false; issues: RevInfoIssue[] };

/** Validation with a memory of what already passed: see {@link createKnownRevInfos}. */
export interface KnownRevInfos {
  check(input: unknown): RevInfoCheck;
}

/**
 * Validates what `resolveUser` returns and remembers, by {@link fingerprint}, the rev_infos
 * that passed, with their cache keys. A logged-in user sends the same rev_info on every page:
 * from the second page on, the cached token is found without validating it or hashing its
 * key again (the two cost most of a cached lookup). Only values that passed are remembered,
 * so an invalid rev_info is reported every time; plain data with the fingerprint of a valid
 * one holds the same data, so it is valid too. At most `max` are kept; past that the memory
 * starts over (each user's next page refills it). The fingerprint is taken first, so a value
 * whose getters answer differently on each read is validated as read the second time.
 *
 * @example
 * const known = createKnownRevInfos(10_000, (revInfo) => cacheKey(revInfo, scope));
 * const checked = known.check({ user_ref: 'u1' }); // { success: true, revInfo, key }
 */
export function createKnownRevInfos(
  max: number,
  keyOf: (revInfo: RevInfo) => string,
): KnownRevInfos {
  const known = new Map<string, KnownRevInfo>();
  return {
    check(input) {
      const print = fingerprint(input);
      const found = print === undefined ? undefined : known.get(print);
      if (found) return found;
      const checked = validateRevInfo(input);
      if (!checked.success) return checked;
      const entry: KnownRevInfo = {
        success: true,
        revInfo: checked.output,
        key: keyOf(checked.output),
      };
      // Remembered only if a second read gives the same data: a getter whose value changes
      // between reads must not tie one value's fingerprint to another value's key.
      if (print !== undefined && fingerprint(input) === print) {
        if (known.size >= max) known.clear();
        known.set(print, entry);
      }
      return entry;
    },
  };
}
