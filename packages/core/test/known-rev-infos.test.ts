import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKnownRevInfos } from '../src/rev-info/known-rev-infos.js';
import { copyPlain, samePlain } from '../src/rev-info/plain-copy.js';
import { validateRevInfo } from '../src/rev-info/rev-info-validation.js';

/** Whether `value` matches the copy of `original` (false when `original` is not plain data). */
const matches = (value: unknown, original: unknown): boolean => {
  const copy = copyPlain(original);
  return copy !== undefined && samePlain(value, copy.shape);
};

describe('copyPlain and samePlain', () => {
  it('tell apart what JSON confuses: undefined, NaN, -0, a missing key', () => {
    const values = [
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
      { x: 1, user_ref: 'u1' },
    ];
    for (const [i, a] of values.entries()) {
      for (const [j, b] of values.entries()) expect(matches(b, a)).toBe(i === j);
    }
  });

  it('give nothing for what is not plain data, and match nothing then', () => {
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
    const hidden = Object.defineProperty({ user_ref: 'u1' }, 'user_traits', { value: {} });
    const inherited = Object.assign(Object.create({ user_traits: {} }), { user_ref: 'u1' });
    for (const value of [
      new User(),
      { user_ref: 'u1', at: new Date(0) },
      { user_ref: 'u1', f: () => 1 },
      { user_ref: 'u1', n: 1n },
      { user_ref: 'u1', s: Symbol('s') },
      cyclic,
      throwing,
      hidden,
      inherited,
      JSON.parse('{"user_ref":"u1","__proto__":{"x":1}}'),
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
      expect(copyPlain(value)).toBeUndefined();
    }
    const shape = copyPlain({ user_ref: 'u1' })!.shape;
    expect(samePlain(new User(), shape)).toBe(false);
    expect(samePlain(throwing, shape)).toBe(false);
    expect(samePlain(inherited, shape)).toBe(false);
  });

  it('read each key once, and keep what was read whatever the app does to its object', () => {
    let reads = 0;
    const traits = { display_name: 'A' };
    const value = {
      get user_ref(): string {
        reads++;
        return 'u1';
      },
      user_traits: traits,
    };
    const copy = copyPlain(value)!;
    expect(reads).toBe(1);
    expect(copy.data).toEqual({ user_ref: 'u1', user_traits: { display_name: 'A' } });
    expect(copy.data).not.toBe(value);
    traits.display_name = 'B';
    expect(samePlain(value, copy.shape)).toBe(false);
    expect(samePlain({ user_ref: 'u1', user_traits: { display_name: 'A' } }, copy.shape)).toBe(
      true,
    );
  });

  it('match only equal data (same keys in the same order, same values)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const copy = copyPlain(a);
        if (copy === undefined) return;
        expect(copy.data).toStrictEqual(a);
        expect(samePlain(a, copy.shape)).toBe(true);
        if (samePlain(b, copy.shape)) expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 2000 },
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        fc.string({ unit: fc.constantFrom('1', ':', '"', 'a') }),
        fc.integer({ min: -20, max: 20 }),
        fc.constantFrom(undefined, null, -0, Number.NaN, true),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', '1', 'c'), tie('node'), {
          maxKeys: 3,
          noNullPrototype: true,
        }),
      ),
    })).node;
    fc.assert(
      fc.property(value, value, (a, b) => {
        if (matches(b, a)) expect(b).toStrictEqual(a);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('createKnownRevInfos', () => {
  const keyOf = (revInfo: object) => `key:${JSON.stringify(revInfo)}`;
  /** A memo whose key function counts its calls: one per rev_info validated afresh. */
  function counted(max: number) {
    const calls = { keys: 0 };
    const known = createKnownRevInfos(max, (revInfo) => {
      calls.keys++;
      return keyOf(revInfo);
    });
    return { known, calls };
  }

  it('validates once: a rev_info seen before is found without running the schema', () => {
    const { known, calls } = counted(10);
    const first = known.check({ user_ref: 'u1', user_traits: { display_name: 'A' } });
    const again = known.check({ user_ref: 'u1', user_traits: { display_name: 'A' } });
    expect(first.success && again.success).toBe(true);
    expect(again).toBe(first);
    expect(calls.keys).toBe(1);
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

  it('compares with its own copy: a rev_info the app changes in place is validated again', () => {
    const known = createKnownRevInfos(10, keyOf);
    const revInfo = { user_ref: 'u1', user_traits: { display_name: 'A' } };
    const first = known.check(revInfo);
    revInfo.user_traits.display_name = 'B';
    const changed = known.check(revInfo);
    expect(first.success && changed.success).toBe(true);
    if (first.success && changed.success) {
      expect(first.revInfo.user_traits).toEqual({ display_name: 'A' });
      expect(changed.revInfo.user_traits).toEqual({ display_name: 'B' });
      expect(changed.key).not.toBe(first.key);
    }
  });

  it('validates a value as read once: a getter that answers differently later borrows no key', () => {
    const known = createKnownRevInfos(10, keyOf);
    let reads = 0;
    const shifty = {
      user_ref: 'u1',
      get user_traits(): unknown {
        reads++;
        return reads === 1 ? { display_name: 'A' } : { display_name: 'B', emial: 'x' };
      },
    };
    const checked = known.check(shifty);
    expect(checked.success).toBe(true);
    if (checked.success) expect(checked.revInfo.user_traits).toEqual({ display_name: 'A' });
    expect(known.check({ user_ref: 'u1', user_traits: { display_name: 'A' } })).toBe(checked);
    expect(
      known.check({ user_ref: 'u1', user_traits: { display_name: 'B', emial: 'x' } }).success,
    ).toBe(false);
  });

  it('remembers a few rev_infos of one user: switching between two accounts validates neither again', () => {
    const { known, calls } = counted(10);
    for (let i = 0; i < 6; i++) {
      expect(known.check({ user_ref: 'u1', account_ref: `a${i % 2}` }).success).toBe(true);
    }
    expect(calls.keys).toBe(2);
  });

  it('validates what is not plain data every time, as it is', () => {
    const { known, calls } = counted(10);
    class User {
      user_ref = 'u1';
    }
    for (let i = 0; i < 3; i++) expect(known.check(new User()).success).toBe(true);
    expect(calls.keys).toBe(3);
  });

  it('starts over past max entries, and still answers', () => {
    const { known, calls } = counted(2);
    for (const id of ['a', 'b', 'c', 'a']) expect(known.check({ user_ref: id }).success).toBe(true);
    expect(calls.keys).toBe(4); // 'a' was forgotten when 'c' came
  });
});
