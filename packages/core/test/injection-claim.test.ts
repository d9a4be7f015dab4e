import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The built packages: what two copies of core in one process (an ESM and a CJS consumer) are.
const require = createRequire(import.meta.url);
type Core = Pick<typeof import('../src/index.js'), 'createPlugSession'>;
const cjs = require('../dist/index.cjs') as Core;
const esm: Core = await import('../dist/index.js');

describe('the injection claim', () => {
  it('is shared by the ESM and the CJS build, so a page is injected once whichever mounts', async () => {
    const options = {
      appAccessToken: 'aat-claim-tests',
      appId: 'app-claim',
      injectScript: true,
      resolveUser: () => null,
    };
    const [first, second] = [esm.createPlugSession(options), cjs.createPlugSession(options)];
    const response = {};
    expect(first.claimInjection(response)).toBe(true);
    expect(second.claimInjection(response)).toBe(false);
    expect(first.claimInjection(response)).toBe(false);
    expect(second.claimInjection({})).toBe(true);
    await Promise.all([first.close(), second.close()]);
  });

  it('is never taken by an engine that does not inject', async () => {
    const engine = esm.createPlugSession({ appAccessToken: 'aat', resolveUser: () => null });
    expect(engine.injects).toBe(false);
    expect(engine.claimInjection({})).toBe(false);
    await engine.close();
  });
});
