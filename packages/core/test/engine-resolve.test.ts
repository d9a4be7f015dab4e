import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolution } from '../src/engine/resolution.js';
import type { PlugSessionError } from '../src/errors.js';
import type { PlugSessionOptions } from '../src/options/option-types.js';
import { createPlugSession } from '../src/runtime/node-runtime.js';

const AAT = 'aat-engine-resolve-tests';
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(() => emu.close());

function engineFor(
  resolveUser: PlugSessionOptions<string>['resolveUser'],
  errors: PlugSessionError[] = [],
) {
  return createPlugSession<string>({
    appAccessToken: AAT,
    endpoint: emu.endpoint,
    timeoutMs: 300,
    resolveUser,
    onError: (error) => void errors.push(error),
  });
}
const userOf = (id: string) => ({ user_ref: id, user_traits: { display_name: `User ${id}` } });

describe("the engine's resolve", () => {
  it('answers synchronously once the token is cached, with the same token', async () => {
    const engine = engineFor(userOf);
    const first = engine.resolve('u1');
    expect(first).toBeInstanceOf(Promise);
    const minted = await first;
    const cached = engine.resolve('u1');
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toEqual(minted);
    expect((cached as Resolution & { kind: 'identified' }).token).toMatch(/^ey/);
    expect(emu.calls.filter((call) => call.revInfo?.user_ref === 'u1')).toHaveLength(1);
    await engine.close();
  });

  it('stays asynchronous for an async resolveUser, and still answers', async () => {
    const engine = engineFor(async (id) => userOf(id));
    await engine.resolve('u2');
    const again = engine.resolve('u2');
    expect(again).toBeInstanceOf(Promise);
    expect((await again).kind).toBe('identified');
    await engine.close();
  });

  it('reports an invalid rev_info on every request, even after valid ones with the same JSON', async () => {
    const errors: PlugSessionError[] = [];
    // `x: undefined` is dropped by JSON but is an unknown key to the schema.
    const engine = engineFor(
      (id) => (id === 'bad' ? { user_ref: 'u3', x: undefined } : { user_ref: 'u3' }),
      errors,
    );
    expect((await engine.resolve('good')).kind).toBe('identified');
    expect((await engine.resolve('bad')).kind).toBe('failed');
    expect((await engine.resolve('bad')).kind).toBe('failed');
    expect(errors.map((error) => error.code)).toEqual(['INVALID_REV_INFO', 'INVALID_REV_INFO']);
    await engine.close();
  });

  it('fails over synchronously while the breaker is open, telling onError each time', async () => {
    const errors: PlugSessionError[] = [];
    const engine = engineFor(userOf, errors);
    emu.setFault({ type: 'status', status: 503 });
    try {
      await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => engine.resolve(`open-${id}`)));
      const calls = emu.callCount;
      const refused = engine.resolve('open-new');
      expect(refused).not.toBeInstanceOf(Promise);
      expect(refused).toMatchObject({ kind: 'failed', error: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(errors.at(-1)?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(emu.callCount).toBe(calls);
    } finally {
      emu.setFault(undefined);
      await engine.close();
    }
  });
});
