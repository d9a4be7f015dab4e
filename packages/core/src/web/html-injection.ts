import { type HtmlInjector, createHtmlInjector as injectorOn } from '../inject/html-injector.js';
import { injectHtml as injectOn } from '../inject/inject-html.js';
import type { ScriptSrcFinders } from '../inject/script-src-search.js';
import { webBytes } from '../inject/web-bytes.js';

/**
 * A streaming injector on plain `Uint8Array`s (the web build's `createHtmlInjector`): the
 * snippet goes in once, right before the last `</body>` (any letter case), else the last
 * `</html>`, else at the end. A body that contains `scriptSrc` anywhere comes out unchanged.
 * Chunks are held by reference, not copied: do not change a chunk after pushing it.
 * @example
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * const injector = createHtmlInjector(bytes(snippet), scriptSrc);
 * const out = [injector.push(bytes('<body>hi</bo')), injector.push(bytes('dy>')), injector.flush()];
 */
export function createHtmlInjector(
  snippet: Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
): HtmlInjector {
  return injectorOn(snippet, scriptSrc, webBytes);
}

/**
 * The injection for a body known at once (the web build's `injectHtml`): the snippet goes
 * right before the last `</body>` (any letter case), else the last `</html>`, else at the end;
 * `undefined` when the body already contains `scriptSrc` (left alone). A string comes back a
 * string, bytes come back as a `Uint8Array`.
 * @example
 * injectHtml('<html><body>hi</body></html>', '<script>…</script>', src);
 * // '<html><body>hi<script>…</script></body></html>'
 */
export function injectHtml(
  body: string,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
): string | undefined;
export function injectHtml(
  body: Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
): Uint8Array | undefined;
export function injectHtml(
  body: string | Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
): string | Uint8Array | undefined;
export function injectHtml(
  body: string | Uint8Array,
  snippet: string | Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
): string | Uint8Array | undefined {
  return injectOn(body, snippet, scriptSrc, webBytes);
}
