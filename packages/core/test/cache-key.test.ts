import { describe, expect, it } from 'vitest';
import { cacheKey, cacheScope, canonicalJson } from '../src/tokens/cache-key.js';

const endpoint = new URL('https://api.devrev.ai/internal/auth-tokens.create');
const scope = cacheScope(endpoint, 'aat-SECRET-7f3b');

describe('cacheKey', () => {
  it('is the same whatever the order of keys, at every depth', () => {
    const a = { user_ref: 'u1', user_traits: { email: 'a@b.co', display_name: 'A' } };
    const b = { user_traits: { display_name: 'A', email: 'a@b.co' }, user_ref: 'u1' };
    expect(cacheKey(a, scope)).toBe(cacheKey(b, scope));
  });

  it('changes when a trait changes', () => {
    const a = { user_ref: 'u1', user_traits: { display_name: 'A' } };
    const b = { user_ref: 'u1', user_traits: { display_name: 'B' } };
    expect(cacheKey(a, scope)).not.toBe(cacheKey(b, scope));
  });

  it('keeps the order of arrays', () => {
    const a = { user_ref: 'u1', account_traits: { domains: ['a.com', 'b.com'] } };
    const b = { user_ref: 'u1', account_traits: { domains: ['b.com', 'a.com'] } };
    expect(cacheKey(a, scope)).not.toBe(cacheKey(b, scope));
  });

  it('differs between AATs and endpoints and never contains the AAT', () => {
    const other = cacheScope(endpoint, 'aat-OTHER');
    const elsewhere = cacheScope(new URL('https://eu.example/t'), 'aat-SECRET-7f3b');
    const revInfo = { user_ref: 'u1' };
    const keys = [scope, other, elsewhere].map((s) => cacheKey(revInfo, s));
    expect(new Set(keys).size).toBe(3);
    for (const key of [...keys, scope]) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toContain('SECRET');
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys and drops undefined members like JSON.stringify', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"c":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
