import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ByteKit } from '../src/inject/bytes.js';
import { nodeBytes } from '../src/inject/node-bytes.js';
import { createFinder, createTextFinder } from '../src/inject/script-src-search.js';
import { BODY_TAG, HTML_TAG, lastTag } from '../src/inject/tag-search.js';
import { webBytes } from '../src/inject/web-bytes.js';

// Every search runs on each runtime's byte kit, against the same expectations.
const KITS: [string, ByteKit][] = [
  ['nodeBytes', nodeBytes],
  ['webBytes', webBytes],
];

// A small alphabet mixing common and rare HTML characters, so that needles are often found,
// nearly found, or found only in part before their rarest character.
const unit = fc.constantFrom('a', 'e', 'j', 's', '/', '.', ':', 'q', 'é');
const text = fc.string({ unit, maxLength: 60 });
const needle = fc.string({ unit, minLength: 1, maxLength: 8 });

describe('finders anchored at the rarest character', () => {
  it('createTextFinder answers as String.prototype.includes', () => {
    fc.assert(
      fc.property(needle, text, (n, t) => {
        expect(createTextFinder(n)(t)).toBe(t.includes(n));
      }),
      { numRuns: 3000 },
    );
  });

  for (const [name, kit] of KITS) {
    it(`createFinder on ${name} answers as Buffer.prototype.includes`, () => {
      fc.assert(
        fc.property(needle, text, (n, t) => {
          const [bytes, page] = [Buffer.from(n), Buffer.from(t)];
          expect(createFinder(new Uint8Array(bytes), kit)(new Uint8Array(page))).toBe(
            page.includes(bytes),
          );
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('finds a plug.js URL wherever it sits, and only the whole URL', () => {
    const src = 'https://plug-platform.devrev.ai/static/plug.js';
    const find = createTextFinder(src);
    expect(find(`<script src="${src}"></script>`)).toBe(true);
    expect(find(src)).toBe(true);
    expect(find('<script src="/static/app.js"></script>')).toBe(false);
    expect(find(src.slice(1))).toBe(false);
  });
});

describe('lastTag', () => {
  // Every one of the 2⁴ letter cases of each tag, since each tag's anchors cover some of them.
  const cases = (tag: string): string[] =>
    Array.from({ length: 16 }, (_, mask) => {
      let bit = 0;
      return [...tag]
        .map((c) => (/[a-z]/.test(c) && mask & (1 << bit++) ? c.toUpperCase() : c))
        .join('');
    });

  for (const needle of [BODY_TAG, HTML_TAG]) {
    for (const [name, kit] of KITS) {
      it(`finds ${needle.text} on ${name} in all 16 letter cases, the last one of several`, () => {
        const variants = cases(needle.text);
        expect(new Set(variants).size).toBe(16);
        const bytes = (text: string) => new TextEncoder().encode(text);
        for (const variant of variants) {
          expect(lastTag(bytes(`<p>x</p>${variant}\n`), needle, kit)).toBe(8);
          expect(lastTag(bytes(`${variant}ll>${variant}ml> tml>`), needle, kit)).toBe(10);
          expect(lastTag(bytes(`${variant}`), needle, kit, 1)).toBe(-1);
        }
      });
    }
  }

  it.each(KITS)(
    'answers on %s as a case-insensitive lastIndexOf, over pages of near misses',
    (_, kit) => {
      const piece = fc.constantFrom(
        '</html>',
        '</HtMl>',
        '</HTML>',
        '</hTmL>',
        '</body>',
        '</BoDy>',
        'l>',
        'L>',
        'Ml>',
        'Tml>',
        'Html>',
        'y>',
        '</',
        '</htm',
        'x',
        '</ul>',
        'é',
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 20 }), fc.nat(40), (pieces, from) => {
          const page = Buffer.from(pieces.join(''));
          const lower = page.toString('latin1').toLowerCase();
          for (const needle of [BODY_TAG, HTML_TAG]) {
            const at = lower.lastIndexOf(needle.text);
            expect(lastTag(page, needle, kit, from)).toBe(at >= from ? at : -1);
          }
        }),
        { numRuns: 3000 },
      );
    },
  );
});
