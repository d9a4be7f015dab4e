import { type Emulator, type EmulatorFault, startEmulator } from '@plug-session/emulator';
import { AAT, maxAttemptsWithin, TIMEOUT_MS } from './setup.js';

/**
 * DevRev as one scenario sees it: the emulator in use now, and every emulator it used (an
 * outage closes one and starts another on the same port).
 */
export class Upstream {
  private readonly all: Emulator[];
  constructor(private current: Emulator) {
    this.all = [current];
  }
  static async start(): Promise<Upstream> {
    return new Upstream(await startEmulator({ appAccessToken: AAT }));
  }
  get emu(): Emulator {
    return this.current;
  }
  get endpoint(): string {
    return this.current.endpoint;
  }
  /** Token calls received so far, by every emulator of the scenario. */
  get callCount(): number {
    return this.all.reduce((sum, emu) => sum + emu.callCount, 0);
  }
  /** The `user_ref` and arrival time of every token call received. */
  calls(): Array<{ user: unknown; at: number }> {
    return this.all.flatMap((emu) =>
      emu.calls.map((c) => ({ user: c.revInfo?.user_ref, at: c.at })),
    );
  }
  /** Whether any emulator of the scenario signed this token. */
  genuine(token: string): boolean {
    return this.all.some((emu) => {
      const verdict = emu.verifyToken(token);
      return verdict.valid || verdict.reason === 'expired';
    });
  }
  /** DevRev goes down: nothing listens on its port any more. */
  async down(): Promise<void> {
    await this.current.close();
  }
  /** DevRev comes back on the same port. */
  async up(): Promise<void> {
    const port = Number(new URL(this.current.url).port);
    this.current = await startEmulator({ appAccessToken: AAT, port });
    this.all.push(this.current);
  }
  async close(): Promise<void> {
    await Promise.all(this.all.map((emu) => emu.close()));
  }
}

/**
 * How the upstream calls of a fault phase are bounded:
 * - `breaker`: every call fails and counts towards the breaker, so at most `concurrency +
 *   failureThreshold` token requests start before it opens (those in flight when it opens
 *   finish their retries), then none until the cool-down ends;
 * - `pause`: each 429 pauses every call for its Retry-After, so at most `concurrency` token
 *   requests start per pause;
 * - `each`: no protection applies; each missing token costs one token request.
 * Each token request makes at most `attempts` calls.
 */
export type MintBound = { kind: 'breaker' } | { kind: 'pause'; pauseMs: number } | { kind: 'each' };

export interface FaultScenario {
  /** Short name for tables: `503`, `outage 5 s`. */
  name: string;
  /** What DevRev does, as a sentence. */
  what: string;
  /** How long the fault lasts, under steady load. */
  phaseMs: number;
  /** The most calls one token request may make while the fault lasts. */
  attempts: number;
  mints: MintBound;
  /** Whether the fault opens the breaker, so recovery waits for the cool-down and one probe. */
  opensBreaker: boolean;
  /** Switches the fault on; returns a function that switches it off. */
  start(upstream: Upstream): Promise<() => Promise<void>>;
}

const RETRIED = maxAttemptsWithin(TIMEOUT_MS);

function persistent(fault: EmulatorFault) {
  return async (upstream: Upstream) => {
    upstream.emu.setFault(fault);
    return async () => upstream.emu.setFault(undefined);
  };
}

/** Latency rises in steps from 0 to 3 s over the phase (past `TIMEOUT_MS` the calls time out). */
export const LATENCY_STEPS = [0, 250, 500, 900, 1500, 3000];

/** The faults of the issue, each applied while the app is under load. */
export function faultScenarios(outageMs: number): FaultScenario[] {
  const phaseMs = 3000;
  return [
    {
      name: 'latency 0→3 s',
      what: `DevRev answers after ${LATENCY_STEPS.join(', ')} ms, rising over the phase`,
      phaseMs,
      attempts: 1,
      mints: { kind: 'each' },
      opensBreaker: true,
      async start(upstream) {
        const step = phaseMs / LATENCY_STEPS.length;
        const timers = LATENCY_STEPS.map((ms, i) =>
          setTimeout(() => upstream.emu.setLatency(ms), i * step),
        );
        return async () => {
          for (const timer of timers) clearTimeout(timer);
          upstream.emu.setLatency(0);
        };
      },
    },
    {
      name: '429 Retry-After: 1',
      what: 'DevRev answers 429 with Retry-After: 1 to every call',
      phaseMs,
      attempts: 1,
      mints: { kind: 'pause', pauseMs: 1000 },
      opensBreaker: false,
      start: persistent({ type: 'status', status: 429, retryAfterSeconds: 1 }),
    },
    {
      name: '429 Retry-After: 0',
      what: 'DevRev answers 429 with Retry-After: 0 to every call',
      phaseMs,
      attempts: RETRIED,
      mints: { kind: 'each' },
      opensBreaker: false,
      start: persistent({ type: 'status', status: 429, retryAfterSeconds: 0 }),
    },
    {
      name: '500',
      what: 'DevRev answers 500 to every call',
      phaseMs,
      attempts: RETRIED,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      start: persistent({ type: 'status', status: 500 }),
    },
    {
      name: '503',
      what: 'DevRev answers 503 to every call',
      phaseMs,
      attempts: RETRIED,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      start: persistent({ type: 'status', status: 503 }),
    },
    {
      name: 'reset',
      what: 'DevRev resets every connection (TCP RST)',
      phaseMs,
      attempts: RETRIED,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      start: persistent({ type: 'reset' }),
    },
    {
      name: 'malformed 200',
      what: 'DevRev answers 200 with a body cut short (not JSON)',
      phaseMs,
      attempts: 1,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      start: persistent({ type: 'malformed' }),
    },
    {
      name: '10 MB body',
      what: 'DevRev answers 201 with a 10 MB JSON body',
      phaseMs,
      attempts: 1,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      start: persistent({ type: 'oversize', bytes: 10 * 1024 * 1024 }),
    },
    {
      name: 'drip 1 B/s',
      what: 'DevRev answers 201, then drips the body one byte a second',
      phaseMs,
      attempts: 1,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      start: persistent({ type: 'drip', intervalMs: 1000 }),
    },
    {
      name: `outage ${outageMs / 1000} s`,
      what: `DevRev is down (nothing listens on its port) for ${outageMs / 1000} s, then back`,
      phaseMs: outageMs,
      attempts: RETRIED,
      mints: { kind: 'breaker' },
      opensBreaker: true,
      async start(upstream) {
        await upstream.down();
        return () => upstream.up();
      },
    },
  ];
}
