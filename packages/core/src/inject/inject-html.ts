import { asBuffer } from './html-injector.js';
import { createScriptSrcFinders, type ScriptSrcFinders } from './script-src-search.js';
import { BODY_TAG, HTML_TAG, lastTag, TAG_LENGTH } from './tag-search.js';

const findersOf = (scriptSrc: string | ScriptSrcFinders): ScriptSrcFinders =>
  typeof scriptSrc === 'string' ? createScriptSrcFinders(scriptSrc) : scriptSrc;

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
 * encoded here: the server encodes it once, as it would have), bytes come back as bytes.
 * The snippet is ASCII, so its text and its bytes are the same.
 * @example
 * injectHtml('<html><body>hi</body></html>', '<script>…</script>', src);
 * // '<html><body>hi<script>…</script></body></html>'
 */
export function injectHtml(
  body: string,
  snippet: string,
  scriptSrc: string | ScriptSrcFinders,
): string | undefined;
export function injectHtml(
  body: Uint8Array,
  snippet: string | Buffer,
  scriptSrc: string | ScriptSrcFinders,
): Buffer | undefined;
export function injectHtml(
  body: string | Uint8Array,
  snippet: string | Buffer,
  scriptSrc: string | ScriptSrcFinders,
): string | Buffer | undefined;
export function injectHtml(
  body: string | Uint8Array,
  snippet: string | Buffer,
  scriptSrc: string | ScriptSrcFinders,
): string | Buffer | undefined {
  const finders = findersOf(scriptSrc);
  if (typeof body === 'string') {
    if (finders.inText(body)) return undefined;
    let at = lastTagInText(body, 'body');
    if (at === -1) at = lastTagInText(body, 'html');
    if (at === -1) at = body.length;
    const text = typeof snippet === 'string' ? snippet : snippet.toString('latin1');
    // join, not `+`: `+` makes a rope that the server must flatten before it can measure or
    // encode it, and Node's fast paths for both (Buffer.byteLength, socket writes) take only
    // flat strings; join builds one flat string.
    return [body.slice(0, at), text, body.slice(at)].join('');
  }
  const parts = injectedParts(body, snippet, finders);
  return parts && Buffer.concat(parts);
}

/**
 * {@link injectHtml} on bytes, as the three pieces to send in order (the page's head, the
 * snippet, the page's tail): views of the body, not a copy of it. `undefined`: left alone.
 */
export function injectedParts(
  body: Uint8Array,
  snippet: string | Buffer,
  scriptSrc: string | ScriptSrcFinders,
): [Buffer, Buffer, Buffer] | undefined {
  const buf = asBuffer(body);
  if (findersOf(scriptSrc).inBytes(buf)) return undefined;
  let at = lastTag(buf, BODY_TAG);
  if (at === -1) at = lastTag(buf, HTML_TAG);
  if (at === -1) at = buf.length;
  const bytes = typeof snippet === 'string' ? Buffer.from(snippet, 'latin1') : snippet;
  return [buf.subarray(0, at), bytes, buf.subarray(at)];
}
