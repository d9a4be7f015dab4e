import type { RevInfoIssue } from '../errors.js';
import { copyPlain, type PlainShape, samePlain } from './plain-copy.js';
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

/** How many rev_infos are remembered for one `user_ref` (one per account, tab or role). */
const PER_USER = 4;

interface Remembered {
  readonly shape: PlainShape;
  readonly entry: KnownRevInfo;
}

/** `input.user_ref` when it is a string; `undefined` for anything else, or a getter that throws. */
function userRefOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  try {
    const ref: unknown = (input as { user_ref?: unknown }).user_ref;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates what `resolveUser` returns and remembers the rev_infos that passed, by
 * `user_ref`, as a frozen copy of their plain data with their cache keys. A logged-in user
 * sends the same rev_info on every page: from the second page on, it is compared with the copy
 * (no allocation, no string built or hashed) and the cached token is found without validating
 * it or hashing its key again (the two cost most of a cached lookup). Only values that passed
 * are remembered, so an invalid rev_info is reported every time. A value that is plain data is
 * read once, into a copy, and the copy is what is validated and remembered: a getter that
 * answers differently on each read cannot tie one value to another value's key. Anything else
 * (a class instance, a proxy…) is validated as it is, every time. At most `max` rev_infos
 * are kept, at most {@link PER_USER} of one user (the newest); past that the memory starts over
 * (each user's next page refills it).
 *
 * @example
 * const known = createKnownRevInfos(10_000, (revInfo) => cacheKey(revInfo, scope, sha256));
 * const checked = known.check({ user_ref: 'u1' }); // { success: true, revInfo, key }
 */
export function createKnownRevInfos(
  max: number,
  keyOf: (revInfo: RevInfo) => string,
): KnownRevInfos {
  const known = new Map<string, Remembered[]>();
  let count = 0;

  const remember = (ref: string, remembered: Remembered): void => {
    if (count >= max) {
      known.clear();
      count = 0;
    }
    const list = known.get(ref);
    count++;
    if (list === undefined) known.set(ref, [remembered]);
    // The newest first: a user's current rev_info is found at the first comparison.
    else if (list.unshift(remembered) > PER_USER) {
      list.pop();
      count--;
    }
  };

  return {
    check(input) {
      const ref = userRefOf(input);
      const list = ref === undefined ? undefined : known.get(ref);
      if (list !== undefined) {
        for (const { shape, entry } of list) if (samePlain(input, shape)) return entry;
      }
      const copy = copyPlain(input);
      const checked = validateRevInfo(copy === undefined ? input : copy.data);
      if (!checked.success) return checked;
      const entry: KnownRevInfo = {
        success: true,
        revInfo: checked.output,
        key: keyOf(checked.output),
      };
      if (copy !== undefined) remember(checked.output.user_ref, { shape: copy.shape, entry });
      return entry;
    },
  };
}
