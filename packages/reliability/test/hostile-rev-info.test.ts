import {
  createPlugSession,
  type PlugSession,
  type Resolution,
  validateRevInfo,
} from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../conformance/src/support/logs.js';
import { Evidence } from './support/evidence.js';
import { AAT } from './support/setup.js';
import { createSummary } from './support/summary.js';

/** The keys DevRev takes, per object of the rev_info. */
const KNOWN: Record<string, readonly string[]> = {
  '': [
    'user_ref',
    'account_ref',
    'workspace_ref',
    'user_traits',
    'account_traits',
    'workspace_traits',
  ],
  user_traits: [
    'email',
    'display_name',
    'phone_numbers',
    'custom_fields',
    'description',
    'full_name',
  ],
  account_traits: [
    'display_name',
    'domains',
    'phone_numbers',
    'custom_fields',
    'description',
    'tier',
  ],
  workspace_traits: [
    'display_name',
    'custom_fields',
    'description',
    'phone_numbers',
    'tier',
    'domain',
  ],
};

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'toJSON',
  'valueOf',
  'hasOwnProperty',
  'emial',
  'user_ref',
  'tnt__',
  'tnt__\u0000',
  'tnt__\u2028',
];

const huge = fc.constantFrom(10_000, 100_000, 1_000_000).map((n) => 'é'.repeat(n));
const deep = fc.integer({ min: 100, max: 5000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++)
    value = i % 2 ? [value] : { user_ref: value, custom_fields: value };
  return value;
});
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt(),
  fc.constant(Symbol('ref')),
  fc.constant(() => 'ref'),
  fc.constant(new String('boxed')),
  fc.constant({ toString: () => 'u-1', valueOf: () => 'u-1' }),
  fc.constant(['u-1']),
  fc.date(),
);
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uD800',
    '\uDFFF',
    'a\r\nb',
    '</script>',
    '\u2028',
    '__proto__',
  ),
  huge,
);
const anything = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});
const value = fc.oneof(
  { weight: 3, arbitrary: anything },
  { weight: 2, arbitrary: weirdString },
  { weight: 2, arbitrary: notAString },
  { weight: 1, arbitrary: deep },
);
const hostileObject = fc.dictionary(
  fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 10 })),
  value,
  {
    maxKeys: 5,
  },
);

/** Near-valid rev_infos: each part either right or hostile, so the validator is pushed everywhere. */
const nearValid = fc.record(
  {
    user_ref: fc.oneof(fc.constantFrom('u-1', 'u-2', 'acme/42'), weirdString, notAString),
    account_ref: fc.oneof(fc.constant('acme'), notAString),
    user_traits: fc.oneof(
      fc.record(
        {
          email: fc.oneof(fc.constant('ada@example.com'), weirdString),
          display_name: fc.oneof(fc.constant('Ada'), weirdString, notAString),
          phone_numbers: fc.oneof(fc.constant(['+14155550100']), fc.array(value, { maxLength: 3 })),
          custom_fields: fc.oneof(
            fc.constant({ tnt__plan: 'pro' }),
            hostileObject,
            fc.dictionary(
              fc.string({ maxLength: 8 }).map((k) => `tnt__${k}`),
              value,
              { maxKeys: 4 },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      hostileObject,
    ),
    account_traits: fc.oneof(
      fc.record({
        domains: fc.oneof(fc.constant(['acme.com']), fc.array(weirdString, { maxLength: 3 })),
      }),
      hostileObject,
    ),
  },
  { requiredKeys: ['user_ref'] },
);

/** `__proto__` as an own key, as JSON.parse makes it (e.g. a session store's JSON). */
const fromJson = fc
  .record({
    where: fc.constantFrom('root', 'user_traits', 'custom_fields', 'account_traits'),
    payload: fc.constantFrom('{"polluted":true}', '{"user_ref":"admin"}', 'null', '[1]'),
  })
  .map(({ where, payload }) => {
    const proto = `"__proto__":${payload}`;
    const text =
      where === 'root'
        ? `{"user_ref":"u-1",${proto}}`
        : where === 'custom_fields'
          ? `{"user_ref":"u-1","user_traits":{"custom_fields":{"tnt__a":1,${proto}}}}`
          : `{"user_ref":"u-1","${where}":{${proto}}}`;
    return JSON.parse(text) as unknown;
  });

/** A value built inside the property: fast-check would have to read it to print it. */
class Exotic {
  constructor(
    readonly label: string,
    readonly make: () => unknown,
  ) {}
  [fc.toStringMethod]() {
    return `Exotic(${this.label})`;
  }
}

/** Objects that misbehave when read: throwing getters, proxies, values that change between reads. */
const exoticMakers: Array<() => unknown> = [
  () => ({
    get user_ref(): string {
      throw new Error('getter');
    },
  }),
  () =>
    new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys');
        },
      },
    ),
  () =>
    new Proxy(
      { user_ref: 'u-1' },
      {
        get: () => {
          throw new Error('get');
        },
      },
    ),
  () => {
    // Valid when first read, an object with a smuggled key afterwards.
    let reads = 0;
    return {
      get user_ref(): unknown {
        reads += 1;
        return reads === 1 ? 'u-shifty' : { smuggled: true };
      },
    };
  },
  () => {
    let reads = 0;
    return {
      user_ref: 'u-shifty-traits',
      get user_traits(): unknown {
        reads += 1;
        return reads === 1 ? { email: 'a@b.co' } : { email: 'a@b.co', smuggled: 'x' };
      },
    };
  },
  () =>
    Object.create(
      { toJSON: () => ({ user_ref: 'admin', smuggled: 1 }) },
      { user_ref: { value: 'u-proto', enumerable: true } },
    ),
  () => Object.assign(Object.create(null), { user_ref: 'u-nullproto' }),
  () => Object.assign(['u-1'], { user_ref: 'u-array' }),
  () =>
    new (class User {
      user_ref = 'u-class';
    })(),
  () => ({ user_ref: 'u-tojson', toJSON: () => ({ user_ref: 'admin' }) }),
];
const exotic = fc
  .integer({ min: 0, max: exoticMakers.length - 1 })
  .map((i) => new Exotic(`#${i}`, exoticMakers[i]!));

const hostileRevInfo = fc.oneof(
  { weight: 4, arbitrary: nearValid },
  { weight: 2, arbitrary: anything },
  { weight: 2, arbitrary: hostileObject },
  { weight: 1, arbitrary: fromJson },
  { weight: 2, arbitrary: exotic },
);

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () => PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(','));

/** Every key of what DevRev received is one it takes; custom fields all start with tnt__. */
function unknownKeysOf(revInfo: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const key of Object.keys(revInfo)) if (!KNOWN['']!.includes(key)) found.push(key);
  for (const traits of ['user_traits', 'account_traits', 'workspace_traits']) {
    const value = revInfo[traits] as Record<string, unknown> | undefined;
    for (const key of Object.keys(value ?? {}))
      if (!KNOWN[traits]!.includes(key)) found.push(`${traits}.${key}`);
    const fields = (value?.custom_fields ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(fields))
      if (!key.startsWith('tnt__')) found.push(`${traits}.custom_fields.${key}`);
  }
  return found;
}

const summary = createSummary('hostile-rev-info');
let emu: Emulator;
let logs: LogCapture;
let engine: PlugSession<{ value: unknown }>;
const evidence = new Evidence();
const outcomes = {
  runs: 0,
  identified: 0,
  invalid: 0,
  resolverFailed: 0,
  anonymous: 0,
  upstreamCalls: 0,
};

beforeAll(async () => {
  logs = captureLogs();
  emu = await startEmulator({ appAccessToken: AAT });
  engine = createPlugSession<{ value: unknown }>({
    appAccessToken: AAT,
    endpoint: emu.endpoint,
    timeoutMs: 2000,
    // Every valid rev_info goes upstream, so every one is checked as DevRev received it.
    cache: false,
    resolveUser: (req) => req.value as never,
    onError: (error) => evidence.error(error),
  });
});
afterAll(async () => {
  await engine.close();
  await emu.close();
  evidence.logs(logs.lines);
  logs.restore();
  summary.add({
    scenario: 'hostile rev_info through createPlugSession',
    ...outcomes,
    errorsSearched: evidence.errors,
    problems: evidence.problemCount,
  });
  summary.print();
  expect(evidence.problems, 'no AAT in any error or log line').toEqual([]);
});

describe('a hostile rev_info from resolveUser, through the engine', () => {
  it('yields INVALID_REV_INFO or a token, never throws, pollutes no prototype, forwards no unknown key', async () => {
    const before = snapshot();
    await fc.assert(
      fc.asyncProperty(hostileRevInfo, async (generated) => {
        const hostile = generated instanceof Exotic ? generated.make() : generated;
        outcomes.runs += 1;
        const calls = emu.callCount;
        const errors = evidence.errors;
        let resolution: Resolution;
        try {
          resolution = await engine.resolve({ value: hostile });
        } catch (error) {
          throw new Error(`resolve threw: ${String(error)}`);
        }
        expect(snapshot()).toEqual(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        if (resolution.kind === 'failed') {
          const { error } = resolution;
          expect(emu.callCount, 'no call without a valid rev_info').toBe(calls);
          expect(evidence.errors).toBe(errors + 1);
          // `await` reads `then` of what resolveUser returned: a proxy that throws there
          // fails as the resolver itself, before validation.
          if (error.code === 'RESOLVER_FAILED' && generated instanceof Exotic) {
            outcomes.resolverFailed += 1;
            return;
          }
          expect(error.code, error.message).toBe('INVALID_REV_INFO');
          expect(error.issues?.length).toBeGreaterThan(0);
          for (const issue of error.issues ?? []) {
            expect(typeof issue.path).toBe('string');
            expect(typeof issue.message).toBe('string');
          }
          outcomes.invalid += 1;
        } else if (resolution.kind === 'identified') {
          const sub = emu.verifyToken(resolution.token);
          expect(sub.valid).toBe(true);
          outcomes.identified += 1;
        } else {
          expect(hostile == null).toBe(true);
          outcomes.anonymous += 1;
        }
      }),
      { numRuns: 600 },
    );
    // What reached DevRev: only keys it takes, each rev_info valid as sent.
    for (const call of emu.calls) {
      expect(call.revInfo).toBeDefined();
      expect(unknownKeysOf(call.revInfo as Record<string, unknown>)).toEqual([]);
      expect(validateRevInfo(call.revInfo).success).toBe(true);
      expect(Object.hasOwn(call.revInfo!, 'smuggled')).toBe(false);
    }
    outcomes.upstreamCalls = emu.callCount;
    expect(outcomes.identified).toBeGreaterThan(0);
    expect(outcomes.invalid).toBeGreaterThan(0);
    expect(evidence.problems).toEqual([]);
  });

  it('sends a value that changes between reads, or hides keys, as it was validated', async () => {
    emu.clearCalls();
    const uncached = createPlugSession<{ value: unknown }>({
      appAccessToken: AAT,
      endpoint: emu.endpoint,
      timeoutMs: 2000,
      cache: false,
      resolveUser: (req) => req.value as never,
      onError: (error) => evidence.error(error),
    });
    const kinds: string[] = [];
    try {
      for (const make of exoticMakers) kinds.push((await uncached.resolve({ value: make() })).kind);
    } finally {
      await uncached.close();
    }
    expect(kinds.filter((kind) => kind === 'identified')).toHaveLength(emu.callCount);
    // The shifting getters are read once to find what the engine remembers of that user, then
    // copied, and the copy is validated: `u-shifty` turns invalid at its second read (no
    // call); the others reach DevRev.
    expect(emu.callCount).toBeGreaterThanOrEqual(2);
    for (const call of emu.calls) {
      expect(JSON.stringify(call.revInfo)).not.toMatch(/smuggled|admin/);
      expect(unknownKeysOf(call.revInfo as Record<string, unknown>)).toEqual([]);
    }
    summary.add({
      scenario: 'exotic rev_infos (getters, proxies, toJSON)',
      ...Object.fromEntries(kinds.map((k, i) => [`#${i}`, k])),
    });
  });
});
