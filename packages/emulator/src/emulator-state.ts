import type { FaultQueue } from './fault-queue.js';
import type { JwtSigner } from './jwt.js';
import type { EmulatorCall, EmulatorVerification } from './types.js';

/** Everything the request handlers of one emulator share. */
export interface EmulatorState {
  readonly appAccessToken: string | undefined;
  readonly tokenTtlSeconds: number;
  latencyMs: number;
  readonly faults: FaultQueue;
  readonly signer: JwtSigner;
  /** Aborted by close(), to end sleeps, drips and streams at once. */
  readonly closing: AbortSignal;
  calls: EmulatorCall[];
  callCount: number;
  verifications: EmulatorVerification[];
}
