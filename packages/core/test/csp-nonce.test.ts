import { describe, expect, it } from 'vitest';
import { nonceFromCsp } from '../src/inject/csp-nonce.js';

describe('nonceFromCsp', () => {
  it('takes the nonce of script-src-elem first', () => {
    const csp =
      "default-src 'nonce-d'; script-src 'nonce-s'; script-src-elem 'self' 'nonce-e1' 'nonce-e2'";
    expect(nonceFromCsp(csp)).toBe('e1');
  });

  it('falls back to script-src, then default-src', () => {
    expect(nonceFromCsp("default-src 'nonce-d'; script-src 'strict-dynamic' 'nonce-s'")).toBe('s');
    expect(nonceFromCsp("img-src *; default-src 'self' 'nonce-d+/_-=='")).toBe('d+/_-==');
  });

  it('uses the first directive that exists, even when it names no nonce', () => {
    expect(nonceFromCsp("default-src 'nonce-d'; script-src 'self'")).toBeUndefined();
  });

  it('reads directive names and the nonce- keyword in any letter case', () => {
    expect(nonceFromCsp("SCRIPT-SRC 'NONCE-AbC'")).toBe('AbC');
  });

  it('ignores a repeated directive, as browsers do', () => {
    expect(nonceFromCsp("script-src 'nonce-first'; script-src 'nonce-second'")).toBe('first');
  });

  it('prefers a nonce that every policy accepts when there are several', () => {
    expect(nonceFromCsp(["script-src 'nonce-a' 'nonce-b'", "script-src 'nonce-b'"])).toBe('b');
    expect(nonceFromCsp("script-src 'nonce-a' 'nonce-b', default-src 'nonce-b'")).toBe('b');
    expect(nonceFromCsp(["frame-ancestors 'none'", "script-src 'nonce-z'"])).toBe('z');
    expect(nonceFromCsp(["script-src 'nonce-x'", "script-src 'nonce-y'"])).toBe('x');
  });

  it('returns undefined when no policy names a nonce', () => {
    expect(nonceFromCsp("default-src 'self'; script-src https://cdn.example")).toBeUndefined();
    expect(nonceFromCsp(undefined)).toBeUndefined();
    expect(nonceFromCsp([])).toBeUndefined();
  });

  it('survives malformed headers', () => {
    for (const header of [
      '',
      ';;;',
      ',',
      'script-src',
      "script-src 'nonce-'",
      'script-src nonce-abc',
      "script-src 'nonce-a b'",
      "script-src 'nonce-<x>'",
      42,
      ['', ';'],
    ]) {
      expect(nonceFromCsp(header)).toBeUndefined();
    }
    expect(nonceFromCsp("  ;script-src\t'nonce-ok' ;")).toBe('ok');
  });
});
