import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../src/runtime/node-runtime.js';
import { webRuntime } from '../src/runtime/web-runtime.js';
import { cacheKey, cacheScope, canonicalJson } from '../src/tokens/cache-key.js';

const endpoint = new URL('https://api.devrev.ai/internal/auth-tokens.create');
const { sha256 } = nodeRuntime;
const scope = cacheScope(endpoint, 'aat-SECRET-7f3b', sha256);

describe('cacheKey', () => {
  it('is the same whatever the order of keys, at every depth', () => {
    const a = { user_ref: 'u1', user_traits: { email: 'a@b.co', display_name: 'A' } };
    const b = { user_traits: { display_name: 'A', email: 'a@b.co' }, user_ref: 'u1' };
    expect(cacheKey(a, scope, sha256)).toBe(cacheKey(b, scope, sha256));
  });

  it('changes when a trait changes', () => {
    const a = { user_ref: 'u1', user_traits: { display_name: 'A' } };
    const b = { user_ref: 'u1', user_traits: { display_name: 'B' } };
    expect(cacheKey(a, scope, sha256)).not.toBe(cacheKey(b, scope, sha256));
  });

  it('keeps the order of arrays', () => {
    const a = { user_ref: 'u1', account_traits: { domains: ['a.com', 'b.com'] } };
    const b = { user_ref: 'u1', account_traits: { domains: ['b.com', 'a.com'] } };
    expect(cacheKey(a, scope, sha256)).not.toBe(cacheKey(b, scope, sha256));
  });

  it('differs between AATs and endpoints and never contains the AAT', () => {
    const other = cacheScope(endpoint, 'aat-OTHER', sha256);
    const elsewhere = cacheScope(new URL('https://eu.example/t'), 'aat-SECRET-7f3b', sha256);
    const revInfo = { user_ref: 'u1' };
    const keys = [scope, other, elsewhere].map((s) => cacheKey(revInfo, s, sha256));
    expect(new Set(keys).size).toBe(3);
    for (const key of [...keys, scope]) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toContain('SECRET');
    }
  });

  it('is the same on the Node and the web runtime, so instances on both share a store', () => {
    const revInfos = [
      { user_ref: 'u1' },
      { user_ref: 'zoë', user_traits: { display_name: 'Zoë 東京 🙂', email: 'z@example.com' } },
      { user_ref: 'u2', account_traits: { domains: ['a.com'], custom_fields: { tnt__x: 'ü' } } },
    ];
    const aats = ['aat-SECRET-7f3b', 'aat-ünïcode-€'];
    for (const aat of aats) {
      const nodeScope = cacheScope(endpoint, aat, nodeRuntime.sha256);
      const webScope = cacheScope(endpoint, aat, webRuntime.sha256);
      expect(webScope).toBe(nodeScope);
      for (const revInfo of revInfos) {
        const key = cacheKey(revInfo, nodeScope, nodeRuntime.sha256);
        expect(key).toMatch(/^[0-9a-f]{64}$/);
        expect(cacheKey(revInfo, webScope, webRuntime.sha256)).toBe(key);
      }
    }
  });

  it.each([
    ['node', nodeRuntime.sha256],
    ['web', webRuntime.sha256],
  ])('hashes with SHA-256 of the UTF-8 text on the %s runtime (FIPS 180-2 vectors)', (_, hash) => {
    expect(hash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // "é" is hashed as its two UTF-8 bytes (c3 a9), not as one latin1 byte (e9, de2e33…).
    expect(hash('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });
});

describe('canonicalJson', () => {
  it('sorts keys and drops undefined members like JSON.stringify', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"c":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
