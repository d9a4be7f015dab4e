import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Runtime } from '../../src/engine/runtime.js';
import { nodeRuntime } from '../../src/runtime/node-runtime.js';
import {
  createTokenProvider,
  type TokenProvider,
  type TokenProviderOptions,
} from '../../src/tokens/token-provider.js';
import { providerParts } from './runtimes.js';

export const AAT = 'aat-SECRET-7f3b';

/** An emulator, a provider in front of it, and a wall clock the test moves by hand. */
export interface Harness {
  emu: Emulator;
  provider: TokenProvider;
  clock: { now: number };
  close(): Promise<void>;
}

/** Starts an emulator that accepts {@link AAT} and a provider on a fake clock (and `runtime`). */
export async function startHarness(
  options: Partial<TokenProviderOptions> = {},
  emulatorAat = AAT,
  runtime: Runtime = nodeRuntime,
): Promise<Harness> {
  const emu = await startEmulator({ appAccessToken: emulatorAat, tokenTtlSeconds: 3600 });
  const clock = { now: Date.now() };
  const provider = createTokenProvider({
    endpoint: new URL(emu.endpoint),
    appAccessToken: AAT,
    timeoutMs: 2000,
    cache: {},
    now: () => clock.now,
    ...providerParts(runtime),
    ...options,
  });
  return {
    emu,
    provider,
    clock,
    close: async () => {
      await provider.close();
      await emu.close();
    },
  };
}

/** The rejection of `promise`, which must reject. */
export async function rejection<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection');
}
