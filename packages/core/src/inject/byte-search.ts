/**
 * A closing tag found case-insensitively in bytes. `Buffer.indexOf` runs memchr on a needle's
 * first byte, so it is fast when that byte is rare in HTML and slow when it is common (an `l`
 * stops it hundreds of times per 64 KiB chunk), except that needles of 7 bytes or more get a
 * Boyer-Moore-Horspool skip. Each tag is found through a few anchors that between them cover
 * every letter case: a byte found at `offset` in the tag, then the whole tag is compared.
 */
export interface TagNeedle {
  /** The tag, lowercase. */
  readonly text: string;
  readonly anchors: readonly { readonly bytes: Buffer; readonly offset: number }[];
}

const anchor = (text: string, offset: number) => ({ bytes: Buffer.from(text), offset });

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
 * Anchored on the lowercase tag whole (7 bytes: Boyer-Moore-Horspool, 12 µs per 64 KiB of
 * HTML against 28 µs for memchr on `l`), and, for every other case, on the last capital
 * letter and the lowercase rest (`L>`, `Ml>`, `Tml>`, `Html>`): capitals are rare in HTML.
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
export function lastTag(buf: Buffer, needle: TagNeedle, from = 0): number {
  let last = -1;
  for (const { bytes, offset } of needle.anchors) {
    for (let at = buf.indexOf(bytes, from + offset); at !== -1; at = buf.indexOf(bytes, at + 1)) {
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

// Bytes roughly from most to least frequent in HTML; a byte not listed counts as rarest.
const COMMON = ' etaoinsrlhdc<>/="upmfgwy.b-vk:_0123456789x#;,';

/** Where in `needle` (bytes or char codes) its rarest byte in HTML is. */
function rarestIndex(needle: ArrayLike<number>): number {
  let anchor = 0;
  let rarity = -1;
  for (let i = 0; i < needle.length; i++) {
    const rank = COMMON.indexOf(String.fromCharCode(needle[i]!));
    const score = rank === -1 ? COMMON.length : rank;
    if (score > rarity) [anchor, rarity] = [i, score];
  }
  return anchor;
}

/**
 * A search for `needle` that starts memchr at its rarest byte: a URL such as
 * `https://…/plug.js` would otherwise stop at every `h` of the page.
 */
export function createFinder(needle: Buffer): (buf: Buffer) => boolean {
  const anchor = rarestIndex(needle);
  const head = needle.subarray(0, anchor);
  const rest = needle.subarray(anchor);
  return (buf) => {
    for (let at = buf.indexOf(rest, anchor); at !== -1; at = buf.indexOf(rest, at + 1)) {
      if (buf.subarray(at - anchor, at).equals(head)) return true;
    }
    return false;
  };
}

/**
 * {@link createFinder} for text: `text.includes(needle)`, searched from the needle's rarest
 * character (V8 scans for a search string's first character: 1.5 µs → 0.1 µs for a plug.js
 * URL in a 10 KB page).
 */
export function createTextFinder(needle: string): (text: string) => boolean {
  const codes = Array.from({ length: needle.length }, (_, i) => needle.charCodeAt(i));
  const anchor = rarestIndex(codes);
  const head = needle.slice(0, anchor);
  const rest = needle.slice(anchor);
  return (text) => {
    for (let at = text.indexOf(rest, anchor); at !== -1; at = text.indexOf(rest, at + 1)) {
      if (text.startsWith(head, at - anchor)) return true;
    }
    return false;
  };
}

/** The searches for one `scriptSrc`, in bytes and in text. */
export interface ScriptSrcFinders {
  readonly needle: Buffer;
  readonly inBytes: (buf: Buffer) => boolean;
  readonly inText: (text: string) => boolean;
}

// An app has one scriptSrc (a process, a few): its finders are made once, not for every page.
const MAX_FINDERS = 16;
const finders = new Map<string, ScriptSrcFinders>();

/** The finders of `scriptSrc`, made on first use and kept. */
export function findersFor(scriptSrc: string): ScriptSrcFinders {
  let found = finders.get(scriptSrc);
  if (found === undefined) {
    if (finders.size >= MAX_FINDERS) finders.clear();
    const needle = Buffer.from(scriptSrc);
    found = { needle, inBytes: createFinder(needle), inText: createTextFinder(scriptSrc) };
    finders.set(scriptSrc, found);
  }
  return found;
}

/** A {@link createFinder} for a stream of chunks: it finds `needle` split across them too. */
export interface StreamFinder {
  /** Whether `needle` ends in `chunk` (possibly starting in earlier chunks). */
  seen(chunk: Buffer): boolean;
  /** How many bytes of earlier chunks it keeps (at most `needle.length - 1`). */
  readonly carried: number;
}

export function createStreamFinder(scriptSrc: string): StreamFinder {
  const { needle, inBytes: contains } = findersFor(scriptSrc);
  const keep = needle.length - 1;
  // The last `keep` bytes seen, then the next chunk's first `keep`: a needle across the seam
  // lies in these 2 × keep bytes. One buffer per stream, so that a chunk costs no allocation.
  const seam = Buffer.alloc(2 * keep);
  let carried = 0;
  return {
    seen(chunk) {
      const head = Math.min(keep, chunk.length);
      if (carried > 0) {
        chunk.copy(seam, carried, 0, head);
        const joined = carried + head;
        if (contains(joined === seam.length ? seam : seam.subarray(0, joined))) return true;
      }
      if (contains(chunk)) return true;
      if (chunk.length >= keep) {
        chunk.copy(seam, 0, chunk.length - keep);
        carried = keep;
      } else {
        // A short chunk: the carry is what ends the earlier bytes and this chunk together.
        if (carried === 0) chunk.copy(seam, 0);
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
