import { runInNewContext } from 'node:vm';
import { type DefaultTreeAdapterTypes, parse } from 'parse5';

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.Document;

/** The script elements of a page as a browser's HTML parser sees them. */
export interface PageScripts {
  /** Every `<script>` element, in document order. */
  scripts: Array<{ attrs: Record<string, string>; text: string }>;
  /** The `src` of every script that loads one. */
  sources: string[];
  /** The inline scripts' text. */
  inline: string[];
}

/** Parses a page with parse5 (the WHATWG algorithm browsers use) and lists its scripts. */
export function scriptsOf(html: string): PageScripts {
  const scripts: PageScripts['scripts'] = [];
  const walk = (node: Node) => {
    if ('tagName' in node && node.tagName === 'script') {
      const element = node as Element;
      const attrs = Object.fromEntries(element.attrs.map((a) => [a.name, a.value]));
      const text = element.childNodes.map((n) => ('value' in n ? n.value : '')).join('');
      scripts.push({ attrs, text });
    }
    if ('childNodes' in node) for (const child of node.childNodes) walk(child);
    if ('content' in node) walk((node as DefaultTreeAdapterTypes.Template).content as never);
  };
  walk(parse(html));
  return {
    scripts,
    sources: scripts.flatMap((s) => (s.attrs.src === undefined ? [] : [s.attrs.src])),
    inline: scripts.filter((s) => s.attrs.src === undefined).map((s) => s.text),
  };
}

/**
 * Runs an inline script as a browser would, in a fresh V8 context with a stand-in
 * `window.plugSDK`, and returns what `plugSDK.init` was called with — as JSON text of what
 * the page's JavaScript really saw (not of what a JSON parser would read), plus whether
 * the argument kept an ordinary prototype (a `__proto__` key in an object literal would
 * replace it).
 */
export function runInit(script: string): { calls: number; argJson: string; plainProto: boolean } {
  const sandbox = {
    window: {
      plugSDK: {
        calls: [] as unknown[],
        init(arg: unknown) {
          this.calls.push(arg);
        },
      },
    },
  };
  runInNewContext(script, sandbox, { timeout: 1000 });
  const calls = sandbox.window.plugSDK.calls;
  const arg = calls[0] as object | undefined;
  const proto = arg === undefined ? null : Object.getPrototypeOf(arg);
  const plainProto =
    proto !== null && Object.getPrototypeOf(proto) === null && 'hasOwnProperty' in proto;
  return { calls: calls.length, argJson: JSON.stringify(arg), plainProto };
}
