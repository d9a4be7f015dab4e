import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { PlugSessionError, type PlugSessionErrorCode } from '../src/errors.js';
import { createUpstreamGate, type UpstreamGate } from '../src/upstream/upstream-gate.js';

let clock = 1_000_000;
const now = () => clock;
const err = (code: PlugSessionErrorCode, retryAfterMs?: number) =>
  new PlugSessionError(code, code, retryAfterMs === undefined ? {} : { retryAfterMs });

/** Runs one call through the gate: the error it failed fast with, or `undefined` once admitted. */
function call(gate: UpstreamGate, outcome?: PlugSessionError): PlugSessionError | undefined {
  let permit: ReturnType<UpstreamGate['admit']>;
  try {
    permit = gate.admit();
  } catch (error) {
    return error as PlugSessionError;
  }
  gate.settle(permit, outcome);
  return undefined;
}

describe('the upstream gate', () => {
  const states: unknown[] = [];
  const listener = (message: unknown) => states.push(message);
  afterEach(() => {
    unsubscribe('plug-session:breaker', listener);
    states.length = 0;
  });

  it('opens the breaker after five consecutive failures and then fails fast', () => {
    const gate = createUpstreamGate({ now });
    for (let i = 0; i < 5; i++) expect(call(gate, err('UPSTREAM_UNAVAILABLE'))).toBeUndefined();
    const fast = call(gate);
    expect(fast?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(fast?.message).toMatch(/circuit breaker .* is open .* until \d{4}-/);
  });

  it('counts only consecutive failures of the breaker’s kinds', () => {
    const gate = createUpstreamGate({ now });
    for (const code of ['TIMEOUT', 'NETWORK', 'BAD_RESPONSE', 'TIMEOUT'] as const) {
      call(gate, err(code));
    }
    call(gate); // a success resets the count
    for (let i = 0; i < 4; i++) call(gate, err('NETWORK'));
    call(gate, err('BAD_REQUEST')); // DevRev answered: it is up
    for (let i = 0; i < 4; i++) call(gate, err('NETWORK'));
    expect(call(gate)).toBeUndefined();
  });

  it('lets exactly one probe through after the cool-down and closes when it succeeds', () => {
    subscribe('plug-session:breaker', listener);
    const gate = createUpstreamGate({ now, openMs: 10_000 });
    for (let i = 0; i < 5; i++) call(gate, err('TIMEOUT'));
    clock += 9_999;
    expect(call(gate)?.code).toBe('UPSTREAM_UNAVAILABLE');
    clock += 1;
    const probe = gate.admit();
    expect(probe.probe).toBe(true);
    expect(() => gate.admit()).toThrow(/half-open/);
    gate.settle(probe);
    expect(call(gate)).toBeUndefined();
    expect(states.map((s) => (s as { state: string }).state)).toEqual([
      'open',
      'half-open',
      'closed',
    ]);
  });

  it('re-opens when the probe fails', () => {
    const gate = createUpstreamGate({ now, openMs: 10_000 });
    for (let i = 0; i < 5; i++) call(gate, err('TIMEOUT'));
    clock += 10_000;
    expect(call(gate, err('NETWORK'))).toBeUndefined();
    expect(call(gate)?.code).toBe('UPSTREAM_UNAVAILABLE');
    clock += 10_000;
    expect(call(gate)).toBeUndefined();
    expect(call(gate)).toBeUndefined();
  });

  it('pauses every call until a 429’s Retry-After has passed', () => {
    const gate = createUpstreamGate({ now });
    call(gate, err('RATE_LIMITED', 3000));
    clock += 1000;
    const fast = call(gate);
    expect(fast).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 2000 });
    expect(fast?.message).toContain('paused until');
    clock += 2000;
    expect(call(gate)).toBeUndefined();
  });

  it('pauses 429s in a row at least rateLimitPauseMs, doubling, even when they ask for 0', () => {
    const gate = createUpstreamGate({ now, rateLimitPauseMs: 1000 });
    call(gate, err('RATE_LIMITED', 0)); // the first is taken at its word
    for (const pauseMs of [1000, 2000, 4000]) {
      call(gate, err('RATE_LIMITED', 0));
      clock += pauseMs - 1;
      expect(call(gate)?.code).toBe('RATE_LIMITED');
      clock += 1;
    }
    for (let i = 0; i < 8; i++) {
      expect(call(gate, err('RATE_LIMITED', 0))).toBeUndefined(); // admitted: the pause is over
      clock += 4000; // the longest pause
    }
    expect(call(gate)).toBeUndefined(); // a success: the next 429 is taken at its word again
    call(gate, err('RATE_LIMITED', 0));
    expect(call(gate)).toBeUndefined();
    call(gate, err('RATE_LIMITED', 5000)); // a longer delay asked for is kept
    clock += 4999;
    expect(call(gate)?.code).toBe('RATE_LIMITED');
  });

  it('pauses calls for the cool-down after DevRev rejected the AAT', () => {
    const gate = createUpstreamGate({ now, unauthorizedPauseMs: 30_000 });
    call(gate, err('UNAUTHORIZED'));
    clock += 29_999;
    expect(call(gate)?.code).toBe('UNAUTHORIZED');
    clock += 1;
    expect(call(gate)).toBeUndefined();
  });

  it('honours a custom failure threshold', () => {
    const gate = createUpstreamGate({ now, failureThreshold: 2 });
    call(gate, err('NETWORK'));
    call(gate, err('NETWORK'));
    expect(call(gate)?.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});
