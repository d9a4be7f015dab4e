import fc from 'fast-check';
import { type DefaultTreeAdapterTypes, parse } from 'parse5';
import { describe, expect, it } from 'vitest';
import { PlugSessionError } from '../src/errors.js';
import { isValidNonce, renderSnippet } from '../src/inject/snippet.js';

const SRC = 'https://plug-platform.devrev.ai/static/plug.js';
type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.Document;

function scripts(html: string): DefaultTreeAdapterTypes.Element[] {
  const found: DefaultTreeAdapterTypes.Element[] = [];
  const walk = (node: Node) => {
    if ('tagName' in node && node.tagName === 'script') found.push(node);
    if ('childNodes' in node) for (const child of node.childNodes) walk(child);
  };
  walk(parse(html));
  return found;
}
const textOf = (el: DefaultTreeAdapterTypes.Element) =>
  el.childNodes.map((n) => ('value' in n ? n.value : '')).join('');
const attr = (el: DefaultTreeAdapterTypes.Element, name: string) =>
  el.attrs.find((a) => a.name === name)?.value;
const INIT = /^window\.plugSDK\.init\((.*)\);$/s;

describe('renderSnippet', () => {
  it('renders the script tag and the init call exactly', () => {
    expect(renderSnippet({ scriptSrc: SRC, appId: 'app-1', sessionToken: 'tok.en' })).toBe(
      `<script src="${SRC}"></script><script>window.plugSDK.init({"app_id":"app-1","session_token":"tok.en"});</script>`,
    );
  });

  it('puts the nonce on both tags', () => {
    const html = renderSnippet({ scriptSrc: SRC, appId: 'a', nonce: 'r4nd0m+/=' });
    expect(html).toBe(
      `<script src="${SRC}" nonce="r4nd0m+/="></script><script nonce="r4nd0m+/=">window.plugSDK.init({"app_id":"a"});</script>`,
    );
  });

  it('has no session_token key for an anonymous visitor', () => {
    const html = renderSnippet({ scriptSrc: SRC, appId: 'a', initOptions: { theme: 'dark' } });
    expect(html).toContain('window.plugSDK.init({"app_id":"a","theme":"dark"});');
    expect(html).not.toContain('session_token');
  });

  it('does not let initOptions override app_id or session_token', () => {
    const initOptions = { app_id: 'evil', session_token: 'evil', widget_alignment: 'left' };
    expect(renderSnippet({ scriptSrc: SRC, appId: 'a', sessionToken: 't', initOptions })).toContain(
      'init({"app_id":"a","session_token":"t","widget_alignment":"left"});',
    );
    expect(renderSnippet({ scriptSrc: SRC, appId: 'a', initOptions })).not.toContain(
      'session_token',
    );
  });

  it('escapes <, >, &, U+2028, U+2029 and non-ASCII in the JSON', () => {
    const html = renderSnippet({ scriptSrc: SRC, appId: '</script><!--&\u2028\u2029é😀' });
    expect(html).toContain(
      '"app_id":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029\\u00e9\\ud83d\\ude00"',
    );
  });

  it('escapes the script URL as an attribute, in ASCII', () => {
    const html = renderSnippet({ scriptSrc: `https://x.io/p.js?a=1&b="'<>é`, appId: 'a' });
    expect(html).toContain('src="https://x.io/p.js?a=1&amp;b=&quot;&#39;&lt;&gt;&#xe9;"');
    expect(attr(scripts(html)[0]!, 'src')).toBe(`https://x.io/p.js?a=1&b="'<>é`);
  });

  it('refuses an invalid nonce with INVALID_NONCE', () => {
    for (const nonce of ['', 'a"b', 'a b', 'x'.repeat(257), 'abc===', '<x>', 'é']) {
      expect(isValidNonce(nonce)).toBe(false);
      const render = () => renderSnippet({ scriptSrc: SRC, appId: 'a', nonce });
      expect(render).toThrow(PlugSessionError);
      expect(render).toThrow(expect.objectContaining({ code: 'INVALID_NONCE' }));
    }
    for (const nonce of ['abc', 'a-b_c', 'ab+/cd==', 'x'.repeat(256)]) {
      expect(isValidNonce(nonce)).toBe(true);
    }
  });

  it('refuses an empty scriptSrc or appId, or one with a line break, naming it', () => {
    expect(() => renderSnippet({ scriptSrc: '', appId: 'a' })).toThrow(/scriptSrc/);
    expect(() => renderSnippet({ scriptSrc: 'x\n', appId: 'a' })).toThrow(TypeError);
    expect(() => renderSnippet({ scriptSrc: SRC, appId: '' })).toThrow(/appId/);
    expect(() => renderSnippet({ scriptSrc: SRC, appId: 'a\rb' })).toThrow(/appId/);
  });
});

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('</script>', '</SCRIPT >', '<!--', '-->', '<script>', '\u2028', '\u2029', '&lt;'),
);
const line = text.filter((s) => s !== '' && !/[\r\n]/.test(s));
const json = fc.jsonValue({ maxDepth: 2 }).chain((v) => fc.oneof(fc.constant(v), text));

describe('renderSnippet on random input', () => {
  it('yields one inline script whose JSON argument round-trips, in pure ASCII', () => {
    fc.assert(
      fc.property(
        line,
        fc.option(text, { nil: undefined }),
        fc.dictionary(fc.oneof(text, fc.constantFrom('app_id', 'session_token')), json, {
          maxKeys: 4,
        }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9+/_-]{1,20}={0,2}$/), { nil: undefined }),
        (appId, sessionToken, initOptions, nonce) => {
          const snippet = renderSnippet({
            scriptSrc: SRC,
            appId,
            sessionToken,
            initOptions,
            nonce,
          });
          expect(/^[\x20-\x7e]*$/.test(snippet)).toBe(true);
          const found = scripts(`<html><body>${snippet}</body></html>`);
          expect(found).toHaveLength(2);
          expect(attr(found[0]!, 'src')).toBe(SRC);
          expect(attr(found[0]!, 'nonce')).toBe(nonce);
          expect(attr(found[1]!, 'nonce')).toBe(nonce);
          const inline = textOf(found[1]!);
          expect(inline).not.toMatch(/<\/script|<!--/i);
          const { app_id: _a, session_token: _s, ...rest } = initOptions;
          const token = sessionToken === undefined ? {} : { session_token: sessionToken };
          // A __proto__ key is dropped on purpose (in a JS literal it would set the prototype).
          const noProto = (key: string, value: unknown) =>
            key === '__proto__' ? undefined : value;
          const arg = JSON.stringify({ app_id: appId, ...token, ...rest }, noProto);
          expect(JSON.parse(INIT.exec(inline)![1]!)).toEqual(JSON.parse(arg));
        },
      ),
      { numRuns: 300 },
    );
  });
});
