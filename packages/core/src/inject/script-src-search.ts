import type { ByteKit } from './bytes.js';

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
 * A search for `needle` whose `indexOf` starts at its rarest byte (memchr on Node, the first
 * byte's `TypedArray#indexOf` in `webBytes`): a URL such as `https://…/plug.js` would
 * otherwise stop at every `h` of the page.
 */
export function createFinder(needle: Uint8Array, kit: ByteKit): (buf: Uint8Array) => boolean {
  const anchor = rarestIndex(needle);
  const head = needle.subarray(0, anchor);
  const rest = needle.subarray(anchor);
  return (buf) => {
    for (let at = kit.indexOf(buf, rest, anchor); at !== -1; at = kit.indexOf(buf, rest, at + 1)) {
      if (kit.equalsAt(buf, at - anchor, head)) return true;
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
  /** `scriptSrc` in UTF-8. */
  readonly needle: Uint8Array;
  readonly inBytes: (buf: Uint8Array) => boolean;
  readonly inText: (text: string) => boolean;
}

/**
 * The searches for `scriptSrc`, the byte search on `kit`. The engine makes them once, from its
 * options, and every page it injects into uses them.
 * @example
 * const finders = createScriptSrcFinders('https://plug-platform.devrev.ai/static/plug.js', webBytes);
 * finders.inText('<script src="https://plug-platform.devrev.ai/static/plug.js"></script>'); // true
 */
export function createScriptSrcFinders(scriptSrc: string, kit: ByteKit): ScriptSrcFinders {
  if (scriptSrc === '') throw new TypeError('scriptSrc must not be empty');
  const needle = new TextEncoder().encode(scriptSrc);
  return { needle, inBytes: createFinder(needle, kit), inText: createTextFinder(scriptSrc) };
}
