import { type ByteKit, latin1Bytes } from './bytes.js';

/**
 * A closing tag found case-insensitively in bytes. A kit's `indexOf` stops wherever a needle's
 * first byte occurs (`nodeBytes` runs Node's memchr on it, `webBytes` `TypedArray#indexOf`),
 * so it is fast when that byte is rare in HTML and slow when it is common (an `l` stops it
 * hundreds of times per 64 KiB chunk), except that Node gives needles of 7 bytes or more a
 * Boyer-Moore-Horspool skip. Each tag is found through a
 * few anchors that between them cover every letter case: a byte found at `offset` in the tag,
 * then the whole tag is compared.
 */
export interface TagNeedle {
  /** The tag, lowercase. */
  readonly text: string;
  readonly anchors: readonly { readonly bytes: Uint8Array; readonly offset: number }[];
}

const anchor = (text: string, offset: number) => ({ bytes: latin1Bytes(text), offset });

/** Anchored on its last letter and `>`, either case: for a tag whose last letter is rare. */
function byLastLetter(text: string): TagNeedle {
  const offset = text.length - 2;
  const letter = text[offset]!;
  return {
    text,
    anchors: [anchor(`${letter}>`, offset), anchor(`${letter.toUpperCase()}>`, offset)],
  };
}

/**
 * Anchored on the lowercase tag whole (7 bytes, so Node's `indexOf` skips with
 * Boyer-Moore-Horspool instead of stopping at every `l`), and, for every other case, on the
 * last capital letter and the lowercase rest (`L>`, `Ml>`, `Tml>`, `Html>`): capitals are rare
 * in HTML. `bench/micro.mjs` measures the search.
 */
function byCapitals(text: string): TagNeedle {
  const anchors = [anchor(text, 0)];
  for (let i = text.length - 2; i > 1; i--) {
    anchors.push(anchor(`${text[i]!.toUpperCase()}${text.slice(i + 1)}`, i));
  }
  return { text, anchors };
}

// `y` is rare in HTML; `l` is not (`</ul>`, `class`, every `url`).
export const BODY_TAG = byLastLetter('</body>');
export const HTML_TAG = byCapitals('</html>');
/** Both tags are 7 bytes long. */
export const TAG_LENGTH = 7;

/** Whether `buf[start…start+length)` equals the start of `text`, ASCII letters in any case. */
function matchesAt(buf: Uint8Array, start: number, text: string, length: number): boolean {
  if (start < 0 || start + length > buf.length) return false;
  for (let i = 0; i < length; i++) {
    const want = text.charCodeAt(i);
    const got = buf[start + i]!;
    if (got !== want && !(want >= 0x61 && want <= 0x7a && got === want - 0x20)) return false;
  }
  return true;
}

/** Where the last `needle` (any letter case) starts at or after `from`, or -1. */
export function lastTag(buf: Uint8Array, needle: TagNeedle, kit: ByteKit, from = 0): number {
  let last = -1;
  for (const { bytes, offset } of needle.anchors) {
    for (
      let at = kit.indexOf(buf, bytes, from + offset);
      at !== -1;
      at = kit.indexOf(buf, bytes, at + 1)
    ) {
      const start = at - offset;
      if (start > last && matchesAt(buf, start, needle.text, offset)) last = start;
    }
  }
  return last;
}

/** How many bytes at the end of `buf` could be the start of `</body>` or `</html>` (0 to 6). */
export function partialTagLength(buf: Uint8Array): number {
  for (let k = Math.min(TAG_LENGTH - 1, buf.length); k > 0; k--) {
    const start = buf.length - k;
    if (matchesAt(buf, start, BODY_TAG.text, k) || matchesAt(buf, start, HTML_TAG.text, k)) {
      return k;
    }
  }
  return 0;
}
