import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../src/rev-info/fingerprint.js';
import { createKnownRevInfos } from '../src/rev-info/known-rev-infos.js';
import { validateRevInfo } from '../src/rev-info/rev-info-validation.js';

describe('fingerprint', () => {
  it('tells apart what JSON confuses: undefined, NaN, -0, a missing key', () => {
    const prints = [
      { user_ref: 'u1' },
      { user_ref: 'u1', x: undefined },
      { user_ref: 'u1', x: null },
      { user_ref: 'u1', x: Number.NaN },
      { user_ref: 'u1', x: 0 },
      { user_ref: 'u1', x: -0 },
      { user_ref: 'u1', x: '0' },
      { user_ref: 'u1', x: [] },
      { user_ref: 'u1', x: {} },
      { user_ref: 'u1', x: [undefined] },
    ].map(fingerprint);
    expect(prints.every((print) => typeof print === 'string')).toBe(true);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('gives nothing for what is not plain data', () => {
    class User {
      user_ref = 'u1';
    }
    const cyclic: Record<string, unknown> = { user_ref: 'u1' };
    cyclic.self = cyclic;
    const throwing = {
      get user_ref(): string {
        throw new Error('boom');
      },
    };
    for (const value of [
      new User(),
      { user_ref: 'u1', at: new Date(0) },
      { user_ref: 'u1', f: () => 1 },
      { user_ref: 'u1', n: 1n },
      { user_ref: 'u1', s: Symbol('s') },
      cyclic,
      throwing,
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('trap');
          },
        },
      ),
      { user_ref: 'x'.repeat(5000) },
    ]) {
      expect(fingerprint(value)).toBeUndefined();
    }
  });

  it('is not fooled by strings that look like the pieces around them', () => {
    const prints = [
      { a: '1:b' },
      { a: '1', b: undefined },
      { 'a"1:b': 1 },
      { a: 1, b: 2 },
      { a: 12, b: undefined },
      { a: ['x', 'y'] },
      { a: ['x"1:y'] },
      { a: '"1:x' },
    ].map(fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('is equal only for equal data (same keys in the same order, same values)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const [pa, pb] = [fingerprint(a), fingerprint(b)];
        if (pa !== undefined && pa === pb) expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
    // Strings over a small alphabet of the fingerprint's own delimiters, so that near-misses
    // (a string that ends where a key could begin) are common, not rare.
    const tricky = fc.string({
      unit: fc.constantFrom('1', '2', ':', '"', '#', ';', '{', '}', 'a'),
    });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        tricky,
        fc.integer({ min: -20, max: 20 }),
        fc.constant(undefined),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(tricky, tie('node'), { maxKeys: 3, noNullPrototype: true }),
      ),
    })).node;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const [pa, pb] = [fingerprint(a), fingerprint(b)];
        if (pa !== undefined && pa === pb) expect(a).toStrictEqual(b);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('createKnownRevInfos', () => {
  const keyOf = (revInfo: object) => `key:${JSON.stringify(revInfo)}`;

  it('validates once: a rev_info seen before is found without running the schema', () => {
    let keys = 0;
    const known = createKnownRevInfos(10, (revInfo) => {
      keys++;
      return keyOf(revInfo);
    });
    const first = known.check({ user_ref: 'u1', user_traits: { display_name: 'A' } });
    const again = known.check({ user_ref: 'u1', user_traits: { display_name: 'A' } });
    expect(first.success && again.success).toBe(true);
    expect(again).toBe(first);
    expect(keys).toBe(1);
  });

  it('reports an invalid rev_info every time, and never remembers it', () => {
    const known = createKnownRevInfos(10, keyOf);
    for (let i = 0; i < 3; i++) {
      const checked = known.check({ user_ref: 'u1', user_traits: { emial: 'a@b.co' } });
      expect(checked.success).toBe(false);
    }
  });

  it('agrees with validateRevInfo whatever was seen before', () => {
    // Near-valid inputs: valid ones and the same with a wrong type, an unknown key, undefined.
    const ref = fc.constantFrom('u1', 'u2', '', 42, undefined);
    const traits = fc.option(
      fc.record(
        {
          display_name: fc.constantFrom('A', 'B', 7, undefined),
          email: fc.constantFrom('a@b.co', 'nope', undefined),
          emial: fc.constant('a@b.co'),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    );
    const input = fc.record({ user_ref: ref, user_traits: traits }, { requiredKeys: ['user_ref'] });
    fc.assert(
      fc.property(fc.array(input, { maxLength: 20 }), (inputs) => {
        const known = createKnownRevInfos(5, keyOf);
        for (const value of inputs) {
          const expected = validateRevInfo(value);
          const got = known.check(value);
          expect(got.success).toBe(expected.success);
          if (got.success && expected.success) {
            expect(got.revInfo).toEqual(expected.output);
            expect(got.key).toBe(keyOf(expected.output));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('starts over past max entries, and still answers', () => {
    let keys = 0;
    const known = createKnownRevInfos(2, (revInfo) => {
      keys++;
      return keyOf(revInfo);
    });
    for (const id of ['a', 'b', 'c', 'a']) expect(known.check({ user_ref: id }).success).toBe(true);
    expect(keys).toBe(4); // 'a' was forgotten when 'c' came
  });
});
