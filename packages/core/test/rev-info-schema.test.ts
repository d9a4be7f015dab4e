import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { revInfoSchema } from '../src/rev-info/rev-info-schema.js';
import { formatIssues, validateRevInfo } from '../src/rev-info/rev-info-validation.js';

const issuesOf = (input: unknown) => {
  const result = validateRevInfo(input);
  return result.success ? [] : result.issues;
};
const valid = (input: unknown) => validateRevInfo(input).success;
const withUser = (user_traits: Record<string, unknown>) => ({ user_ref: 'u1', user_traits });
const withAccount = (account_traits: Record<string, unknown>) => ({
  user_ref: 'u1',
  account_traits,
});

describe('revInfoSchema', () => {
  it('accepts the seed example with real custom field names', () => {
    const seed = {
      user_ref: 'example@devrev.ai',
      account_ref: 'devrev.ai',
      workspace_ref: 'devrev-dev',
      user_traits: {
        email: 'test-user@devrev.ai',
        display_name: 'Devrev Test USer',
        phone_numbers: ['+911122334455'],
        custom_fields: { tnt__plan_tier: 'value 1' },
      },
      workspace_traits: { display_name: 'Devrev Dev', custom_fields: {} },
      account_traits: {
        display_name: 'Devrev',
        domains: ['devrev.ai'],
        phone_numbers: ['+919988998833'],
        custom_fields: { tnt__region: 'value x' },
      },
    };
    expect(validateRevInfo(seed)).toEqual({ success: true, output: seed });
    expect(v.is(revInfoSchema, seed)).toBe(true);
  });

  it('requires a non-empty user_ref', () => {
    expect(issuesOf({})).toEqual([{ path: 'user_ref', message: 'required' }]);
    expect(issuesOf({ user_ref: '' })).toEqual([
      { path: 'user_ref', message: 'expected a non-empty string' },
    ]);
    expect(issuesOf({ user_ref: 42 })[0]?.path).toBe('user_ref');
    expect(valid({ user_ref: 'u1' })).toBe(true);
  });

  it('takes optional non-empty account_ref and workspace_ref', () => {
    expect(valid({ user_ref: 'u1', account_ref: 'acme', workspace_ref: 'acme-eu' })).toBe(true);
    expect(issuesOf({ user_ref: 'u1', account_ref: '' })[0]?.path).toBe('account_ref');
    expect(issuesOf({ user_ref: 'u1', workspace_ref: null })[0]?.path).toBe('workspace_ref');
  });

  it('refuses a ref longer than 1024 characters', () => {
    expect(valid({ user_ref: 'x'.repeat(1024) })).toBe(true);
    expect(issuesOf({ user_ref: 'x'.repeat(1025) })[0]?.message).toMatch(/at most 1024/);
  });

  it('checks email addresses', () => {
    expect(valid(withUser({ email: 'ada@example.com' }))).toBe(true);
    expect(issuesOf(withUser({ email: 'ada@' }))).toEqual([
      { path: 'user_traits.email', message: 'expected an email address' },
    ]);
    expect(issuesOf(withUser({ email: `${'a'.repeat(300)}@example.com` }))).toHaveLength(1);
  });

  it('wants phone numbers in E.164', () => {
    expect(valid(withUser({ phone_numbers: ['+14155550100', '+911122334455'] }))).toBe(true);
    for (const bad of ['14155550100', '+0123', '+1 415 555 0100', '+1234567890123456', '+1']) {
      expect(issuesOf(withUser({ phone_numbers: ['+14155550100', bad] }))).toEqual([
        { path: 'user_traits.phone_numbers.1', message: 'expected E.164, like +14155550100' },
      ]);
    }
  });

  it('wants domains as bare host names', () => {
    expect(
      valid(withAccount({ domains: ['devrev.ai', 'eu.acme-corp.co.uk', 'xn--bcher-kva.example'] })),
    ).toBe(true);
    for (const bad of [
      'https://devrev.ai',
      'www.devrev.ai',
      'devrev.ai/x',
      'devrev.ai:443',
      'devrev',
      '-a.com',
      'a..com',
    ]) {
      expect(issuesOf(withAccount({ domains: [bad] }))).toEqual([
        { path: 'account_traits.domains.0', message: 'expected a bare host name, like devrev.ai' },
      ]);
    }
    expect(issuesOf({ user_ref: 'u', workspace_traits: { domain: 'www.x.io' } })[0]?.path).toBe(
      'workspace_traits.domain',
    );
  });

  it('wants custom field keys prefixed tnt__, the bad key being the path', () => {
    expect(valid(withUser({ custom_fields: { tnt__plan: 'pro' } }))).toBe(true);
    expect(issuesOf(withUser({ custom_fields: { plan: 'pro', tnt__: 1 } }))).toEqual([
      {
        path: 'user_traits.custom_fields.plan',
        message: expect.stringMatching(/must start with tnt__/),
      },
      {
        path: 'user_traits.custom_fields.tnt__',
        message: expect.stringMatching(/must start with tnt__/),
      },
    ]);
  });

  it('takes custom field values that are scalars or arrays of scalars', () => {
    const values = ['x', 0, -1.5, true, false, ['a', 1, true], []];
    for (const value of values) {
      expect(valid(withUser({ custom_fields: { tnt__f: value } }))).toBe(true);
    }
    for (const value of [
      null,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { a: 1 },
      [[1]],
      [null],
      10n,
    ]) {
      expect(issuesOf(withUser({ custom_fields: { tnt__f: value } }))[0]?.path).toBe(
        'user_traits.custom_fields.tnt__f',
      );
    }
  });

  it('reports an unknown key such as emial with its path and a suggestion', () => {
    expect(issuesOf(withUser({ emial: 'ada@example.com' }))).toEqual([
      { path: 'user_traits.emial', message: 'unknown key "emial"; did you mean "email"?' },
    ]);
    expect(issuesOf({ user_ref: 'u', userRef: 'x', extra: 1 }).map((i) => i.path)).toEqual([
      'userRef',
      'extra',
    ]);
  });

  it('lists every problem at once, with dotted paths', () => {
    const issues = issuesOf({
      user_traits: { email: 'nope', phone_numbers: ['123'], custom_fields: { plan: 1 }, nmae: 'x' },
      account_traits: { domains: ['https://a.io'], tier: 5 },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'account_traits.domains.0',
      'account_traits.tier',
      'user_ref',
      'user_traits.custom_fields.plan',
      'user_traits.email',
      'user_traits.nmae',
      'user_traits.phone_numbers.0',
    ]);
    expect(formatIssues(issues)).toContain('user_traits.phone_numbers.0: expected E.164');
  });

  it('refuses non-object inputs with one issue at the root', () => {
    for (const input of [null, undefined, 'u1', 42, true, () => 1]) {
      expect(issuesOf(input)).toEqual([{ path: '', message: 'expected an object' }]);
    }
    expect(formatIssues(issuesOf(null))).toBe('rev_info: expected an object');
  });

  it('drops keys whose value is undefined from the output', () => {
    const result = validateRevInfo({
      user_ref: 'u1',
      account_ref: undefined,
      user_traits: { email: undefined, custom_fields: { tnt__a: undefined, tnt__b: 1 } },
    });
    expect(result).toEqual({
      success: true,
      output: { user_ref: 'u1', user_traits: { custom_fields: { tnt__b: 1 } } },
    });
    if (result.success) expect(Object.keys(result.output)).toEqual(['user_ref', 'user_traits']);
  });

  it('bounds arrays and custom fields so hostile input stays cheap', () => {
    const phones = Array.from({ length: 101 }, () => 'bad');
    expect(issuesOf(withUser({ phone_numbers: phones }))).toEqual([
      { path: 'user_traits.phone_numbers', message: 'expected at most 100 phone numbers' },
    ]);
    const fields = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i]));
    expect(issuesOf(withUser({ custom_fields: fields }))).toHaveLength(1);
  });

  it('reports __proto__, constructor and prototype keys instead of skipping them', () => {
    const input = JSON.parse(
      '{"user_ref":"u","__proto__":{"x":1},"user_traits":{"custom_fields":{"__proto__":1,"constructor":2}}}',
    );
    expect(issuesOf(input).map((i) => i.path)).toEqual([
      '__proto__',
      'user_traits.custom_fields.__proto__',
      'user_traits.custom_fields.constructor',
    ]);
  });

  it('reports a throwing getter instead of throwing', () => {
    const input = { user_ref: 'u' };
    Object.defineProperty(input, 'user_traits', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(validateRevInfo(input).success).toBe(false);
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(validateRevInfo(proxy).success).toBe(false);
  });
});

const KNOWN = {
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

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'user_ref',
  'emial',
);
const hostileValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ minLength: 0, maxLength: 5 }).map((s) => s.repeat(40_000)),
  fc.integer({ min: 50, max: 2000 }).map((depth) => {
    let value: unknown = 'deep';
    for (let i = 0; i < depth; i++) value = { user_ref: value, custom_fields: [value] };
    return value;
  }),
);
const hostileObject = fc.dictionary(fc.oneof(hostileKey, fc.string()), hostileValue, {
  maxKeys: 6,
});
const revInfoLike = fc.record(
  {
    user_ref: fc.oneof(fc.string(), hostileValue),
    user_traits: fc.oneof(
      hostileObject,
      fc.record({ custom_fields: hostileObject, email: fc.string() }),
    ),
    account_traits: hostileObject,
  },
  { requiredKeys: [] },
);

describe('validateRevInfo on random and adversarial input', () => {
  it('never throws, never pollutes prototypes, and outputs only schema keys', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), hostileObject, revInfoLike), (input) => {
        const result = validateRevInfo(input);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
        if (!result.success) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) expect(typeof issue.path).toBe('string');
          return;
        }
        const output = result.output as Record<string, unknown>;
        for (const key of Object.keys(output)) expect(KNOWN[''].includes(key)).toBe(true);
        for (const traits of ['user_traits', 'account_traits', 'workspace_traits'] as const) {
          const value = output[traits] as Record<string, unknown> | undefined;
          for (const key of Object.keys(value ?? {})) expect(KNOWN[traits]).toContain(key);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('does not pollute Object.prototype through JSON with __proto__', () => {
    const input = JSON.parse(
      '{"user_ref":"u","user_traits":{"__proto__":{"polluted":1},"custom_fields":{"__proto__":{"polluted":1}}}}',
    );
    validateRevInfo(input);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
