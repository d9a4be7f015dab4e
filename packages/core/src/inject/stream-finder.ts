import type { ByteKit } from './bytes.js';
import type { ScriptSrcFinders } from './script-src-search.js';

/** A {@link createFinder} for a stream of chunks: it finds `needle` split across them too. */
export interface StreamFinder {
  /** Whether `needle` ends in `chunk` (possibly starting in earlier chunks). */
  seen(chunk: Uint8Array): boolean;
  /** How many bytes of earlier chunks it keeps (at most `needle.length - 1`). */
  readonly carried: number;
}

/** The stream search for a scriptSrc, from its {@link ScriptSrcFinders}, copying on `kit`. */
export function createStreamFinder(finders: ScriptSrcFinders, kit: ByteKit): StreamFinder {
  const { needle, inBytes: contains } = finders;
  const keep = needle.length - 1;
  // The last `keep` bytes seen, then the next chunk's first `keep`: a needle across the seam
  // lies in these 2 × keep bytes. One buffer per stream, so that a chunk costs no allocation.
  const seam = new Uint8Array(2 * keep);
  let carried = 0;
  return {
    seen(chunk) {
      const head = Math.min(keep, chunk.length);
      if (carried > 0) {
        kit.copyInto(chunk, seam, carried, 0, head);
        const joined = carried + head;
        if (contains(joined === seam.length ? seam : seam.subarray(0, joined))) return true;
      }
      if (contains(chunk)) return true;
      if (chunk.length >= keep) {
        kit.copyInto(chunk, seam, 0, chunk.length - keep, chunk.length);
        carried = keep;
      } else {
        // A short chunk: the carry is what ends the earlier bytes and this chunk together.
        if (carried === 0) kit.copyInto(chunk, seam, 0, 0, chunk.length);
        const total = carried + chunk.length;
        carried = Math.min(keep, total);
        seam.copyWithin(0, total - carried, total);
      }
      return false;
    },
    get carried() {
      return carried;
    },
  };
}
