import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ByteKit } from '../src/inject/bytes.js';
import { createHtmlInjector } from '../src/inject/html-injector.js';
import { injectedParts, injectHtml } from '../src/inject/inject-html.js';
import { createInjectionPlan } from '../src/inject/injection-plan.js';
import { nodeBytes } from '../src/inject/node-bytes.js';
import type { HeaderAccess, HeaderValue } from '../src/inject/response-facts.js';
import { createScriptSrcFinders } from '../src/inject/script-src-search.js';
import { webBytes } from '../src/inject/web-bytes.js';

// The web build injects with plain Uint8Array code, the Node build with Buffer's methods: the
// two must give the same bytes for every page and every way of cutting it into chunks.

const SRC = 'https://plug-platform.devrev.ai/static/plug.js';
const SNIPPET_TEXT = `<script src="${SRC}"></script><script>window.plugSDK.init({"app_id":"a"});</script>`;
const encode = (text: string) => new TextEncoder().encode(text);

/** The rule, stated plainly: latin1 keeps one char per byte, so indexes agree. */
function reference(body: Buffer): Buffer {
  if (body.includes(Buffer.from(SRC))) return body;
  const lower = body.toString('latin1').toLowerCase();
  let at = lower.lastIndexOf('</body>');
  if (at === -1) at = lower.lastIndexOf('</html>');
  if (at === -1) at = body.length;
  return Buffer.concat([body.subarray(0, at), Buffer.from(SNIPPET_TEXT), body.subarray(at)]);
}

/** A tag in a random letter case. */
const anyCase = (tag: string) =>
  fc
    .array(fc.boolean(), { minLength: tag.length, maxLength: tag.length })
    .map((upper) => [...tag].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

// ASCII, Latin-1 (é, ü: two bytes in UTF-8), other two-byte, three- and four-byte text, tags
// in any case and near misses, and now and then the scriptSrc or a part of it.
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('é', 'ü', 'ß', 'ÿ', 'Ω', 'ж', '日本語', '😀', ' ', '\n'),
  },
  { weight: 3, arbitrary: anyCase('</body>') },
  { weight: 2, arbitrary: anyCase('</html>') },
  { weight: 1, arbitrary: fc.constantFrom('</body', '</bod>', '</body >', '<body>', '</', 'y>') },
  { weight: 1, arbitrary: fc.constantFrom(SRC, SRC.slice(0, 30), SRC.slice(10)) },
);
const page = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));

/** Cut points: random ones, plus one inside the last `</body>` (if any), so the tag is split. */
function chunked(body: Uint8Array, cuts: number[], inTag: number): Uint8Array[] {
  const lower = Buffer.from(body).toString('latin1').toLowerCase();
  const tag = lower.lastIndexOf('</body>');
  const points = cuts.map((cut) => cut % (body.length + 1));
  if (tag !== -1) points.push(tag + 1 + (inTag % 6));
  const sorted = [0, ...points.sort((a, b) => a - b), body.length];
  return sorted.slice(1).map((end, i) => body.subarray(sorted[i], end));
}

function streamed(kit: ByteKit, chunks: Uint8Array[]): { out: Buffer; outputs: Uint8Array[] } {
  const injector = createHtmlInjector(kit.latin1(SNIPPET_TEXT), SRC, kit);
  const outputs = [...chunks.map((chunk) => injector.push(chunk)), injector.flush()];
  return { out: Buffer.concat(outputs), outputs };
}

/** Buffer.equals first: expect's deep comparison is slow in loops of thousands. */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (!Buffer.from(actual).equals(Buffer.from(expected))) {
    expect(Buffer.from(actual).toString('latin1')).toBe(Buffer.from(expected).toString('latin1'));
  }
}

const isNodeBuffer = (bytes: Uint8Array) => Buffer.isBuffer(bytes);

describe('webBytes and nodeBytes give the same injection', () => {
  it('for whole bodies, as bytes and as strings, with and without scriptSrc in the page', () => {
    fc.assert(
      fc.property(page, (text) => {
        const body = encode(text);
        const expected = reference(Buffer.from(body));
        const node = injectHtml(body, SNIPPET_TEXT, SRC, nodeBytes);
        const web = injectHtml(body, SNIPPET_TEXT, SRC, webBytes);
        expect(web === undefined).toBe(node === undefined);
        expectBytes(web ?? body, expected);
        expectBytes(node ?? body, expected);
        if (node !== undefined && web !== undefined) {
          expect(isNodeBuffer(node)).toBe(true);
          expect(isNodeBuffer(web)).toBe(false);
        }
        const nodeText = injectHtml(text, SNIPPET_TEXT, SRC, nodeBytes);
        expect(injectHtml(text, encode(SNIPPET_TEXT), SRC, webBytes)).toBe(nodeText);
        expectBytes(encode(nodeText ?? text), expected);
        const parts = injectedParts(body, SNIPPET_TEXT, SRC, webBytes);
        expectBytes(parts ? Buffer.concat(parts) : body, expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('for streams cut anywhere, a </body> split across chunks included', () => {
    fc.assert(
      fc.property(page, fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), (text, cuts, inTag) => {
        const body = encode(text);
        const chunks = chunked(body, cuts, inTag);
        const node = streamed(nodeBytes, chunks);
        const web = streamed(webBytes, chunks);
        expectBytes(web.out, node.out);
        expectBytes(node.out, reference(Buffer.from(body)));
        expect(node.outputs.every(isNodeBuffer)).toBe(true);
        expect(web.outputs.some(isNodeBuffer)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('for byte-at-a-time streams of pages that load plug.js or not', () => {
    for (const text of [
      `<html><body>héllo 😀</BoDy></html>`,
      `<body><script src="${SRC}"></script></body>`,
      `ü</HTML>${SRC.slice(0, 20)}`,
    ]) {
      const body = encode(text);
      const bytes = Array.from(body, (_, i) => body.subarray(i, i + 1));
      expectBytes(streamed(webBytes, bytes).out, streamed(nodeBytes, bytes).out);
      expectBytes(streamed(webBytes, bytes).out, reference(Buffer.from(body)));
    }
  });

  it('for injection plans: the same body and the same content-length', () => {
    const headers = (): HeaderAccess & { all: Record<string, HeaderValue> } => {
      const all: Record<string, HeaderValue> = { 'content-type': 'text/html' };
      return {
        all,
        get: (name) => all[name],
        set: (name, value) => {
          all[name] = value;
        },
        remove: (name) => {
          delete all[name];
        },
      };
    };
    fc.assert(
      fc.property(page, (text) => {
        const [a, b] = [headers(), headers()];
        const plan = (kit: ByteKit, h: HeaderAccess) =>
          createInjectionPlan({
            snippet: { text: SNIPPET_TEXT, bytes: kit.latin1(SNIPPET_TEXT) },
            scriptSrc: createScriptSrcFinders(SRC, kit),
            identified: true,
            headers: h,
            bytes: kit,
          });
        expect(plan(webBytes, a).injectBody(text)).toBe(plan(nodeBytes, b).injectBody(text));
        expect(a.all).toEqual(b.all);
        const web = plan(webBytes, a).injectBody(encode(text));
        const node = plan(nodeBytes, b).injectBody(encode(text));
        expectBytes(
          (web ?? new Uint8Array()) as Uint8Array,
          (node ?? new Uint8Array()) as Uint8Array,
        );
        expect(a.all).toEqual(b.all);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the byte kits themselves', () => {
  const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => a.map((x) => 97 + (x % 4)));
  const needle = fc
    .uint8Array({ minLength: 1, maxLength: 4 })
    .map((a) => a.map((x) => 97 + (x % 4)));

  it('indexOf answers as Buffer#indexOf, negative and past-the-end offsets included', () => {
    fc.assert(
      fc.property(bytes, needle, fc.integer({ min: -45, max: 45 }), (hay, n, from) => {
        const want = Buffer.from(hay).indexOf(Buffer.from(n), from);
        expect(webBytes.indexOf(hay, n, from)).toBe(want);
        expect(nodeBytes.indexOf(hay, n, from)).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('equalsAt, concat and copy agree between the kits', () => {
    fc.assert(
      fc.property(bytes, needle, fc.integer({ min: -3, max: 45 }), (hay, n, at) => {
        expect(webBytes.equalsAt(hay, at, n)).toBe(nodeBytes.equalsAt(hay, at, n));
        for (const length of [undefined, 0, Math.floor(hay.length / 2), hay.length + n.length]) {
          const limit = length === undefined ? undefined : Math.min(length, hay.length + n.length);
          expectBytes(webBytes.concat([hay, n], limit), nodeBytes.concat([hay, n], limit));
        }
        const copy = webBytes.copy(hay);
        expect(copy.buffer).not.toBe(hay.buffer);
        expectBytes(copy, hay);
      }),
      { numRuns: 1000 },
    );
  });

  it('utf8Length answers as Buffer.byteLength, lone surrogates included', () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(webBytes.utf8Length(a)).toBe(Buffer.byteLength(a));
        expect(webBytes.utf8Length(b)).toBe(Buffer.byteLength(b));
        expect(webBytes.latin1(a)).toEqual(new Uint8Array(Buffer.from(a, 'latin1')));
      }),
      { numRuns: 2000 },
    );
  });

  it('nodeBytes makes Buffers from plain Uint8Arrays without copying, webBytes leaves them be', () => {
    const plain = encode('<p>hi</p>');
    const view = nodeBytes.view(plain);
    expect(Buffer.isBuffer(view)).toBe(true);
    expect(view.buffer).toBe(plain.buffer);
    expect(webBytes.view(plain)).toBe(plain);
    expect(Buffer.isBuffer(webBytes.concat([plain, plain]))).toBe(false);
  });
});
