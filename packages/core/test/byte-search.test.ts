import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFinder, createTextFinder } from '../src/byte-search.js';

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

  it('createFinder answers as Buffer.prototype.includes', () => {
    fc.assert(
      fc.property(needle, text, (n, t) => {
        const [bytes, page] = [Buffer.from(n), Buffer.from(t)];
        expect(createFinder(bytes)(page)).toBe(page.includes(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a plug.js URL wherever it sits, and only the whole URL', () => {
    const src = 'https://plug-platform.devrev.ai/static/plug.js';
    const find = createTextFinder(src);
    expect(find(`<script src="${src}"></script>`)).toBe(true);
    expect(find(src)).toBe(true);
    expect(find('<script src="/static/app.js"></script>')).toBe(false);
    expect(find(src.slice(1))).toBe(false);
  });
});
