import { type ByteKit, latin1Bytes } from './bytes.js';

const EMPTY = new Uint8Array(0);

/** Whether `haystack[at…]` holds `needle` from its byte `skip` on. */
function sameFrom(haystack: Uint8Array, at: number, needle: Uint8Array, skip: number): boolean {
  for (let i = skip; i < needle.length; i++) {
    if (haystack[at + i] !== needle[i]) return false;
  }
  return true;
}

/**
 * The byte kit of the web build: plain `Uint8Array` code and nothing of Node's, for runtimes
 * without Node's buffers (Workers, Deno, browsers). A search runs `TypedArray#indexOf` on the
 * needle's first byte, then compares the rest: the searches hand it needles that start with a
 * byte rare in HTML (see `script-src-search.ts` and `tag-search.ts`).
 * @example
 * webBytes.indexOf(page, latin1Bytes('</body>'), 0);
 */
export const webBytes: ByteKit = {
  empty: EMPTY,
  view: (bytes) => bytes,
  indexOf(haystack, needle, from) {
    if (needle.length === 0) {
      return Math.min(from < 0 ? Math.max(haystack.length + from, 0) : from, haystack.length);
    }
    const last = haystack.length - needle.length;
    const first = needle[0]!;
    for (let at = haystack.indexOf(first, from); at !== -1 && at <= last; ) {
      if (sameFrom(haystack, at, needle, 1)) return at;
      at = haystack.indexOf(first, at + 1);
    }
    return -1;
  },
  equalsAt: (haystack, at, needle) =>
    at >= 0 && at + needle.length <= haystack.length && sameFrom(haystack, at, needle, 0),
  concat(parts, length) {
    let total = length ?? 0;
    if (length === undefined) for (const p of parts) total += p.length;
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      if (at >= total) break;
      const take = Math.min(p.length, total - at);
      out.set(take === p.length ? p : p.subarray(0, take), at);
      at += take;
    }
    return out;
  },
  copy: (bytes) => bytes.slice(),
  copyInto(source, target, targetStart, sourceStart, sourceEnd) {
    target.set(source.subarray(sourceStart, sourceEnd), targetStart);
  },
  latin1: latin1Bytes,
  utf8Length(text) {
    let length = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) length += 1;
      else if (unit < 0x800) length += 2;
      else if (
        (unit & 0xfc00) === 0xd800 &&
        i + 1 < text.length &&
        (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
      ) {
        length += 4; // a surrogate pair: one code point past U+FFFF
        i++;
      } else length += 3; // the rest of the BMP, and a lone surrogate (written as U+FFFD)
    }
    return length;
  },
};
