import { expect } from 'vitest';

/** The PLuG snippet found in a page. Offsets are byte offsets. */
export interface FoundSnippet {
  start: number;
  end: number;
  /** Attributes of `<script src=…></script>`. */
  loader: Record<string, string>;
  /** Attributes of the inline `<script>`. */
  inline: Record<string, string>;
  /** The text between `window.plugSDK.init(` and `)`, as sent. */
  argText: string;
  /** That text parsed as JSON. */
  arg: Record<string, unknown>;
}

const LOADER = /^<script((?:\s+[a-z-]+="[^"]*")*)\s*><\/script>/i;
const INLINE = /^<script((?:\s+[a-z-]+="[^"]*")*)\s*>([\s\S]*?)<\/script>/i;
const CALL = /^\s*window\.plugSDK\.init\(([\s\S]*)\)\s*;?\s*$/;

function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/([a-z-]+)="([^"]*)"/gi)) {
    found[name!.toLowerCase()] = value!;
  }
  return found;
}

/**
 * Finds the snippet that loads `scriptSrc` and checks its shape: `<script src="…"></script>`
 * immediately followed by an inline script calling `window.plugSDK.init(<JSON>)`.
 */
export function findSnippet(body: Buffer, scriptSrc: string): FoundSnippet | undefined {
  // latin1 maps bytes one to one, so string offsets are byte offsets.
  const text = body.toString('latin1');
  const at = text.indexOf(scriptSrc);
  if (at === -1) return undefined;
  const start = text.lastIndexOf('<script', at);
  expect(start, 'the snippet starts with a <script> tag').toBeGreaterThanOrEqual(0);
  const loader = LOADER.exec(text.slice(start));
  expect(loader, 'the snippet starts with <script src="…"></script>').not.toBeNull();
  const afterLoader = start + loader![0].length;
  const inline = INLINE.exec(text.slice(afterLoader));
  expect(inline, 'an inline <script> follows the loader at once').not.toBeNull();
  const content = Buffer.from(inline![2]!, 'latin1').toString('utf8');
  const call = CALL.exec(content);
  expect(call, `the inline script calls window.plugSDK.init(…): ${content}`).not.toBeNull();
  const argText = call![1]!;
  const arg = JSON.parse(argText) as Record<string, unknown>;
  const loaderAttributes = attributes(loader![1]!);
  expect(loaderAttributes.src).toBe(scriptSrc);
  return {
    start,
    end: afterLoader + inline![0].length,
    loader: loaderAttributes,
    inline: attributes(inline![1]!),
    argText,
    arg,
  };
}

/** Where the snippet must go: before the last `</body>`, else the last `</html>`, else the end. */
export function insertionPoint(original: Buffer): number {
  const lower = original.toString('latin1').toLowerCase();
  const body = lower.lastIndexOf('</body>');
  if (body !== -1) return body;
  const html = lower.lastIndexOf('</html>');
  return html === -1 ? original.length : html;
}

/** Byte equality with a short message instead of a 2 MB diff. */
export function expectSameBytes(actual: Buffer, expected: Buffer, what = 'the body'): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const around = (b: Buffer) =>
    JSON.stringify(b.subarray(Math.max(0, at - 40), at + 40).toString());
  expect.fail(
    `${what} differs at byte ${at} (lengths ${actual.length} vs ${expected.length}): ` +
      `got ${around(actual)}, expected ${around(expected)}`,
  );
}

/**
 * Checks that `body` is `original` with exactly one snippet inserted at the right place,
 * every other byte identical, and returns the snippet.
 */
export function expectInjectedOnce(
  body: Buffer,
  original: Buffer,
  scriptSrc: string,
  where = 'the page',
): FoundSnippet {
  const text = body.toString('latin1');
  expect(text.split(scriptSrc).length - 1, `${where} loads plug.js exactly once`).toBe(1);
  const snippet = findSnippet(body, scriptSrc)!;
  const without = Buffer.concat([body.subarray(0, snippet.start), body.subarray(snippet.end)]);
  expectSameBytes(without, original, `${where} around the snippet`);
  const point = insertionPoint(original);
  expect(snippet.start, `${where}: the snippet goes at byte ${point}`).toBe(point);
  return snippet;
}

/** Checks that a page holds no snippet at all and is byte-identical to what the route sent. */
export function expectUntouched(body: Buffer, original: Buffer): void {
  expect(body.toString('latin1')).not.toContain('plugSDK');
  expectSameBytes(body, original);
}
