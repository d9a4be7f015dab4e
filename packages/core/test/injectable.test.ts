import { describe, expect, it } from 'vitest';
import { isInjectable } from '../src/inject/injectable.js';
import type { HeaderValue, ResponseFacts } from '../src/inject/response-facts.js';

function facts(
  headers: Record<string, HeaderValue> = {},
  method = 'GET',
  status = 200,
): ResponseFacts {
  const all: Record<string, HeaderValue> = {
    'content-type': 'text/html; charset=utf-8',
    ...headers,
  };
  return {
    method,
    status,
    headers: { get: (name) => all[name], set: () => {}, remove: () => {} },
  };
}

describe('isInjectable', () => {
  it('injects into a GET of an HTML page', () => {
    expect(isInjectable(facts())).toBe(true);
  });

  it('injects into GET only, never HEAD or others', () => {
    for (const method of ['HEAD', 'POST', 'OPTIONS', 'get']) {
      expect(isInjectable(facts({}, method))).toBe(false);
    }
  });

  it('wants a 2xx status other than 204 and 206', () => {
    for (const status of [200, 201, 203, 299])
      expect(isInjectable(facts({}, 'GET', status))).toBe(true);
    for (const status of [204, 206, 199, 300, 304, 404, 500]) {
      expect(isInjectable(facts({}, 'GET', status))).toBe(false);
    }
  });

  it('wants text/html with any parameters and letter case', () => {
    for (const type of [
      'text/html',
      'TEXT/HTML',
      'text/html;charset=UTF-8',
      ' text/html ; q=1',
      ['text/html'],
    ]) {
      expect(isInjectable(facts({ 'content-type': type }))).toBe(true);
    }
    for (const type of [
      undefined,
      'application/json',
      'text/plain',
      'text/htmlx',
      'application/xhtml+xml',
      5,
    ]) {
      expect(isInjectable(facts({ 'content-type': type }))).toBe(false);
    }
  });

  it('refuses an encoded body but accepts identity', () => {
    expect(isInjectable(facts({ 'content-encoding': 'identity' }))).toBe(true);
    expect(isInjectable(facts({ 'content-encoding': '' }))).toBe(true);
    for (const encoding of ['gzip', 'br', 'identity, gzip', ['gzip']]) {
      expect(isInjectable(facts({ 'content-encoding': encoding }))).toBe(false);
    }
  });

  it('leaves a no-transform response alone', () => {
    expect(isInjectable(facts({ 'cache-control': 'public, No-Transform' }))).toBe(false);
    expect(isInjectable(facts({ 'cache-control': ['max-age=60', 'no-transform'] }))).toBe(false);
    expect(isInjectable(facts({ 'cache-control': 'no-cache, no-store' }))).toBe(true);
  });
});
