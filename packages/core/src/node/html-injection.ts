import { type HtmlInjector, createHtmlInjector as injectorOn } from '../inject/html-injector.js';
import { injectHtml as injectOn } from '../inject/inject-html.js';
import { nodeBytes } from '../inject/node-bytes.js';
import type { ScriptSrcFinders } from '../inject/script-src-search.js';

/**
 * A streaming injector on Node's buffers: the snippet goes in once, right before the last
 * `</body>` (any letter case), else the last `</html>`, else at the end. A body that contains
 * `scriptSrc` anywhere comes out unchanged. Memory stays small unless much follows the last
 * candidate tag. Chunks are held by reference, not copied: do not change a chunk after pushing
 * it. Everything it returns is a Buffer.
 * @example
 * const injector = createHtmlInjector(Buffer.from(snippet), scriptSrc);
 * const out = [injector.push(Buffer.from('<body>hi</bo')), injector.push(Buffer.from('dy>')), injector.flush()];
 */
export function createHtmlInjector(
  snippet: Buffer,
  scriptSrc: string | ScriptSrcFinders,
): HtmlInjector<Buffer> {
  return injectorOn(snippet, scriptSrc, nodeBytes);
}

/**
 * The injection for a body known at once: the snippet goes right before the last `</body>`
 * (any letter case), else the last `</html>`, else at the end; `undefined` when the body
 * already contains `scriptSrc` (left alone). A string comes back a string (it is never
 * encoded here: the server encodes it once, as it would have), bytes come back as a Buffer.
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
  return injectOn(body, snippet, scriptSrc, nodeBytes);
}
