import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The built packages: what two copies of core in one process (an ESM and a CJS consumer) are.
const require = createRequire(import.meta.url);
type Core = Pick<typeof import('../src/index.js'), 'createPlugSession'>;
const cjs = require('../dist/index.cjs') as Core;
const esm: Core = await import('../dist/index.js');

describe('the request mark', () => {
  it('is read by the ESM and the CJS build alike: one resolution, one injection per request', async () => {
    const calls: string[] = [];
    const options = (name: string) => ({
      appAccessToken: 'aat-mark-tests',
      appId: 'app-mark',
      injectScript: true,
      resolveUser: () => {
        calls.push(name);
        return null;
      },
    });
    const [outer, inner] = [
      esm.createPlugSession(options('esm')),
      cjs.createPlugSession(options('cjs')),
    ];
    const request = { method: 'GET', path: '/page', shared: {} };
    const first = await outer.handle(undefined, request);
    const second = await inner.handle(undefined, request);
    expect(calls).toEqual(['esm']);
    expect(first).toMatchObject({ kind: 'proceed', token: undefined });
    expect(first.kind === 'proceed' && typeof first.planResponse).toBe('function');
    expect(second).toEqual({ kind: 'proceed', token: undefined, planResponse: undefined });
    // Another request (another shared object) is resolved afresh.
    await inner.handle(undefined, { ...request, shared: {} });
    expect(calls).toEqual(['esm', 'cjs']);
    await Promise.all([outer.close(), inner.close()]);
  });
});
