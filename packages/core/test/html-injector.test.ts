import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHtmlInjector, injectHtml } from '../src/node/html-injection.js';
import { createInjectTransform } from '../src/node/inject-stream.js';

const SRC = 'https://plug-platform.devrev.ai/static/plug.js';
const SNIPPET = Buffer.from(
  `<script src="${SRC}"></script><script>window.plugSDK.init({});</script>`,
);

/** The rule, stated as plainly as possible: latin1 keeps one char per byte, so indexes agree. */
function reference(body: Buffer): Buffer {
  if (body.includes(Buffer.from(SRC))) return body;
  const lower = body.toString('latin1').toLowerCase();
  let at = lower.lastIndexOf('</body>');
  if (at === -1) at = lower.lastIndexOf('</html>');
  if (at === -1) at = body.length;
  return Buffer.concat([body.subarray(0, at), SNIPPET, body.subarray(at)]);
}

function stream(chunks: Uint8Array[]): { out: Buffer; maxHeld: number } {
  const injector = createHtmlInjector(SNIPPET, SRC);
  const parts: Buffer[] = [];
  let maxHeld = 0;
  for (const chunk of chunks) {
    parts.push(injector.push(chunk));
    maxHeld = Math.max(maxHeld, injector.heldBytes);
  }
  parts.push(injector.flush());
  return { out: Buffer.concat(parts), maxHeld };
}

/** Buffer.equals first: expect's deep comparison is slow in loops of thousands. */
function expectBytes(actual: Buffer, expected: Buffer): void {
  if (!actual.equals(expected)) expect(actual.toString('latin1')).toBe(expected.toString('latin1'));
}

function splitAt(body: Buffer, offsets: number[]): Buffer[] {
  const cuts = [0, ...offsets, body.length];
  return cuts.slice(1).map((end, i) => body.subarray(cuts[i], end));
}

const FIXTURES: Record<string, string> = {
  'a plain page': '<html><head></head><body><p>hi</p></body></html>',
  'upper and mixed case tags': '<HTML><BODY>x</BODY></HTML>\n<!-- </Body> -->',
  'several </body>': '<body>a</body>b</body>c</BoDy>tail',
  'no tags': 'just some text without closing tags </bod </htm',
  'only </html>': '<html>text</html> and </HTML> trailing',
  '</html> before </body>': '<html>x</html><body>y</body>z',
  'a tag at the very start': '</body>after',
  'a tag at the very end': 'before</body>',
  'near misses only': '</body ></ body></bodyx></html ><body></b0dy>',
  'multi-byte text around the tags': '<body>héllo 日本語 😀🎉</body>ünïcödé 😀</html>',
  'an empty body': '',
  'a page that already loads plug.js': `<html><body><script src="${SRC}"></script></body></html>`,
  'plug.js mentioned after the last tag': `<body>x</body><!-- ${SRC} -->`,
};

describe('createHtmlInjector', () => {
  for (const [name, page] of Object.entries(FIXTURES)) {
    it(`matches the reference for ${name}, split in two at every byte`, () => {
      const body = Buffer.from(page);
      const expected = reference(body);
      expectBytes(stream([body]).out, expected);
      for (let cut = 0; cut <= body.length; cut++) {
        expectBytes(stream(splitAt(body, [cut])).out, expected);
      }
    });
  }

  it('matches the reference split in three at every pair of offsets', () => {
    for (const page of [
      FIXTURES['several </body>']!,
      FIXTURES['a page that already loads plug.js']!,
    ]) {
      const body = Buffer.from(page);
      const expected = reference(body);
      for (let a = 0; a <= body.length; a++) {
        for (let b = a; b <= body.length; b++) {
          expectBytes(stream(splitAt(body, [a, b])).out, expected);
        }
      }
    }
  });

  it('inserts before the last </body> in any letter case', () => {
    const out = stream([Buffer.from('<body>a</BODY>b</Body>c')]).out.toString();
    expect(out).toBe(`<body>a</BODY>b${SNIPPET}</Body>c`);
  });

  it('falls back to the last </html>, then to the end', () => {
    expect(stream([Buffer.from('a</html>b</HTML>c')]).out.toString()).toBe(
      `a</html>b${SNIPPET}</HTML>c`,
    );
    expect(stream([Buffer.from('no tags')]).out.toString()).toBe(`no tags${SNIPPET}`);
    expect(stream([]).out).toEqual(SNIPPET);
  });

  it('keeps split multi-byte characters byte-identical apart from the snippet', () => {
    const body = Buffer.from('<body>😀日本語é</body>🎉');
    for (let cut = 0; cut <= body.length; cut++) {
      const out = stream(splitAt(body, [cut])).out;
      const at = out.indexOf(SNIPPET);
      expect(Buffer.concat([out.subarray(0, at), out.subarray(at + SNIPPET.length)])).toEqual(body);
    }
  });

  it('leaves a page that contains scriptSrc unchanged, even split across chunks', () => {
    const body = Buffer.from(`<body>${'x'.repeat(100)}<script src="${SRC}"></script></body>`);
    for (let cut = 0; cut <= body.length; cut++) {
      const injector = createHtmlInjector(SNIPPET, SRC);
      const out = Buffer.concat([
        ...splitAt(body, [cut]).map((c) => injector.push(c)),
        injector.flush(),
      ]);
      expect(out).toEqual(body);
      expect(injector.leftAlone).toBe(true);
    }
  });

  it('holds a few bytes at most while streaming a 2 MB page whose </body> is near the end', () => {
    const line = Buffer.from('<div class="row"><a href="/x">Some text, ünïcödé 日本語</a></div>\n');
    const filler = Buffer.alloc(2 * 1024 * 1024, line);
    const body = Buffer.concat([
      Buffer.from('<html><body>'),
      filler,
      Buffer.from('</body>\n</html>\n'),
    ]);
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.subarray(i * 65536, (i + 1) * 65536),
    );
    const { out, maxHeld } = stream(chunks);
    expect(out.equals(reference(body))).toBe(true);
    // Up to 6 bytes of a possible split tag, the scriptSrc carry-over, and the short tail.
    expect(maxHeld).toBeLessThanOrEqual(6 + SRC.length + '</body>\n</html>\n'.length);
  });

  it('passes a chunk without a tag on as the same buffer, not a copy', () => {
    const injector = createHtmlInjector(SNIPPET, SRC);
    const chunks = [Buffer.from('<html><body><p>one</p>'), Buffer.from('<ul><li>two</li></ul>')];
    for (const chunk of chunks) expect(injector.push(chunk)).toBe(chunk);
    // A chunk that ends in what could start a tag is sent as a view of itself, minus those bytes.
    const split = Buffer.from('<p>three</p></bo');
    const out = injector.push(split);
    expect(out.buffer).toBe(split.buffer);
    expect(out.toString()).toBe('<p>three</p>');
    expect(Buffer.concat([injector.push(Buffer.from('dy>')), injector.flush()]).toString()).toBe(
      `${SNIPPET}</body>`,
    );
  });

  it('refuses an empty scriptSrc, which every page would contain', () => {
    expect(() => createHtmlInjector(SNIPPET, '')).toThrow(TypeError);
  });
});

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('</body>', '</html>', '<body>', '</bo', 'dy>', '</', '>'),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('</body>', '</html>'),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      )
      .map(([tag, upper]) => [...tag].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
  },
  { weight: 1, arbitrary: fc.constantFrom(SRC, SRC.slice(0, 20), SRC.slice(20)) },
);
const page = fc.oneof(
  fc.array(fragment, { maxLength: 20 }).map((parts) => Buffer.from(parts.join(''))),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
const chunked = page.chain((body) =>
  fc.uniqueArray(fc.integer({ min: 0, max: body.length }), { maxLength: 8 }).map((cuts) => ({
    body,
    chunks: splitAt(
      body,
      cuts.sort((a, b) => a - b),
    ),
  })),
);

describe('injection on random pages and chunkings', () => {
  it('streams exactly what the reference computes', () => {
    fc.assert(
      fc.property(chunked, ({ body, chunks }) => {
        expectBytes(stream(chunks).out, reference(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('injectHtml agrees with the reference, undefined meaning left alone', () => {
    fc.assert(
      fc.property(page, (body) => {
        const expected = reference(body);
        const out = injectHtml(new Uint8Array(body), SNIPPET, SRC);
        expect(out ?? body).toEqual(expected);
        expect(out === undefined).toBe(expected === body);
      }),
      { numRuns: 1000 },
    );
    expect(injectHtml(Buffer.from('<body>é</body>'), SNIPPET, SRC)).toEqual(
      reference(Buffer.from('<body>é</body>')),
    );
  });

  it('injectHtml on a string gives the UTF-8 of what it gives on the bytes', () => {
    // Strings with non-ASCII text, tags in any case, tags cut short, and the script src.
    const piece = fc.constantFrom(
      '</body>',
      '</BODY>',
      '</bOdY>',
      '</html>',
      '</HTML>',
      '</body',
      '</bod>',
      '< /body>',
      '</body >',
      '<body>',
      'é',
      '日本',
      '😀',
      'x',
      ' ',
      '<',
      '</',
      '>',
      SRC,
      SRC.slice(0, 20),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const fromText = injectHtml(text, SNIPPET.toString('latin1'), SRC);
        const fromBytes = injectHtml(Buffer.from(text), SNIPPET, SRC);
        expect(fromText === undefined ? undefined : Buffer.from(fromText)).toEqual(fromBytes);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('createInjectTransform', () => {
  it('streams Buffer and string chunks and pushes no empty chunks', async () => {
    const seen: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        seen.push(chunk);
        callback();
      },
    });
    const source = Readable.from(['<html><bo', Buffer.from('dy>日本'), '語</bo', 'dy></html>'], {
      objectMode: false,
    });
    await pipeline(source, createInjectTransform(createHtmlInjector(SNIPPET, SRC)), sink);
    expect(Buffer.concat(seen).toString()).toBe(`<html><body>日本語${SNIPPET}</body></html>`);
    expect(seen.every((chunk) => chunk.length > 0)).toBe(true);
  });

  it('passes an error from the injector to the stream', async () => {
    const failing = {
      push: () => {
        throw new Error('boom');
      },
      flush: () => Buffer.alloc(0),
    };
    const transform = createInjectTransform(failing);
    await expect(
      pipeline(
        Readable.from([Buffer.from('x')]),
        transform,
        new Writable({ write: (_c, _e, cb) => cb() }),
      ),
    ).rejects.toThrow('boom');
  });
});
