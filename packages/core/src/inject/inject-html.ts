import { type ByteKit, latin1Text, part } from './bytes.js';
import { createScriptSrcFinders, type ScriptSrcFinders } from './script-src-search.js';
import { BODY_TAG, HTML_TAG, lastTag, TAG_LENGTH } from './tag-search.js';

const findersOf = (scriptSrc: string | ScriptSrcFinders, kit: ByteKit): ScriptSrcFinders =>
  typeof scriptSrc === 'string' ? createScriptSrcFinders(scriptSrc, kit) : scriptSrc;

/**
 * Where the last `</name>` starts in `text` (ASCII letters in any case), or -1: the same
 * tag as `lastTag` finds in the text's UTF-8 bytes, found from the end, where it usually is.
 */
function lastTagInText(text: string, name: string): number {
  for (
    let at = text.lastIndexOf('</');
    at !== -1;
    at = at === 0 ? -1 : text.lastIndexOf('</', at - 1)
  ) {
    if (isTagAt(text, at, name)) return at;
  }
  return -1;
}

function isTagAt(text: string, at: number, name: string): boolean {
  if (at + TAG_LENGTH > text.length || text.charCodeAt(at + TAG_LENGTH - 1) !== 0x3e) return false;
  for (let i = 0; i < name.length; i++) {
    // `| 0x20` lowercases an ASCII capital, and makes nothing else a lowercase letter.
    if ((text.charCodeAt(at + 2 + i) | 0x20) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The injection for a body known at once: the snippet goes right before the last `</body>`
 * (any letter case), else the last `</html>`, else at the end; `undefined` when the body
 * already contains `scriptSrc` (left alone). A string comes back a string (it is never
 * encoded here: the server encodes it once, as it would have), bytes come back as the kit's
 * bytes (`kit`: the runtime's byte kit, `nodeBytes` or `webBytes`).
 * The snippet is ASCII, so its text and its bytes are the same.
 * @example
 * injectHtml('<html><body>hi</body></html>', '<script>…</script>', src, webBytes);
 * // '<html><body>hi<script>…</script></body></html>'
 */
export function injectHtml<B extends Uint8Array>(
  body: string,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
  kit: ByteKit<B>,
): string | undefined;
export function injectHtml<B extends Uint8Array>(
  body: Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
  kit: ByteKit<B>,
): B | undefined;
export function injectHtml<B extends Uint8Array>(
  body: string | Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
  kit: ByteKit<B>,
): string | B | undefined;
export function injectHtml<B extends Uint8Array>(
  body: string | Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
  kit: ByteKit<B>,
): string | B | undefined {
  const finders = findersOf(scriptSrc, kit);
  if (typeof body === 'string') {
    if (finders.inText(body)) return undefined;
    let at = lastTagInText(body, 'body');
    if (at === -1) at = lastTagInText(body, 'html');
    if (at === -1) at = body.length;
    const text = typeof snippet === 'string' ? snippet : latin1Text(snippet);
    // join, not `+`: `+` makes a rope that the server must flatten before it can measure or
    // encode it, and Node's fast paths for both (its byteLength, socket writes) take only
    // flat strings; join builds one flat string.
    return [body.slice(0, at), text, body.slice(at)].join('');
  }
  const parts = injectedParts(body, snippet, finders, kit);
  return parts && kit.concat(parts);
}

/**
 * {@link injectHtml} on bytes, as the three pieces to send in order (the page's head, the
 * snippet, the page's tail): views of the body, not a copy of it. `undefined`: left alone.
 */
export function injectedParts<B extends Uint8Array>(
  body: Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
  kit: ByteKit<B>,
): [B, B, B] | undefined {
  const buf = kit.view(body);
  if (findersOf(scriptSrc, kit).inBytes(buf)) return undefined;
  let at = lastTag(buf, BODY_TAG, kit);
  if (at === -1) at = lastTag(buf, HTML_TAG, kit);
  if (at === -1) at = buf.length;
  const bytes = kit.view(typeof snippet === 'string' ? kit.latin1(snippet) : snippet);
  return [part(buf, 0, at), bytes, part(buf, at)];
}
