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
 * character: V8 scans for a search string's first character, and a plug.js URL starts with
 * the `h` of `https`, which a page is full of.
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

/**
 * The searches for `scriptSrc`. The engine makes them once, from its options, and every page
 * it injects into uses them.
 */
export function createScriptSrcFinders(scriptSrc: string): ScriptSrcFinders {
  if (scriptSrc === '') throw new TypeError('scriptSrc must not be empty');
  const needle = Buffer.from(scriptSrc);
  return { needle, inBytes: createFinder(needle), inText: createTextFinder(scriptSrc) };
}
