import { publishBreaker } from '../diagnostics.js';
import { helpFor, PlugSessionError, type PlugSessionErrorCode } from '../errors.js';

/** Options of {@link createUpstreamGate}. */
export interface UpstreamGateOptions {
  /**
   * Consecutive failures (5xx, timeouts, network errors, bad responses) that open the breaker.
   * @default 5
   */
  failureThreshold?: number;
  /**
   * How long the breaker stays open before one probe may go through, in milliseconds.
   * @default 10000
   */
  openMs?: number;
  /**
   * How long calls are paused after DevRev rejected the AAT (401/403), in milliseconds.
   * @default 30000
   */
  unauthorizedPauseMs?: number;
  /**
   * How long calls are paused after a 429 that named no delay, in milliseconds; also the
   * least pause after a 429 that follows another, doubling with each one in a row (up to
   * 4 s, so that calls resume soon after DevRev stops limiting), whatever delay it named.
   * @default 1000
   */
  rateLimitPauseMs?: number;
  /** The clock (epoch ms). @default Date.now */
  now?: () => number;
}

/** Leave to make one call upstream; hand it back to {@link UpstreamGate.settle}. */
export interface GatePermit {
  /** This call is the half-open breaker's one probe. */
  readonly probe: boolean;
}

/** The protection in front of the token endpoint shared by every call of one AAT. */
export interface UpstreamGate {
  /** A permit for one upstream call; throws a {@link PlugSessionError} to fail fast. */
  admit(): GatePermit;
  /**
   * The error {@link UpstreamGate.admit} would throw now, or `undefined` when it would admit
   * (a probe included); changes nothing. Lets a caller fail fast without starting a call.
   */
  refusal(): PlugSessionError | undefined;
  /** How the admitted call ended: `undefined` for success, else its error. */
  settle(permit: GatePermit, error?: unknown): void;
}

const MAX_RATE_LIMIT_PAUSE_MS = 4_000;

const BREAKER_CODES = new Set<PlugSessionErrorCode>([
  'UPSTREAM_UNAVAILABLE',
  'TIMEOUT',
  'NETWORK',
  'BAD_RESPONSE',
]);

/**
 * A circuit breaker plus the pauses DevRev asks for. After `failureThreshold` consecutive
 * failures the breaker opens for `openMs`: calls fail fast with `UPSTREAM_UNAVAILABLE`;
 * then exactly one probe goes through (half-open) while others still fail fast; its
 * success closes the breaker, its failure re-opens it. A 429 pauses every call until its
 * `Retry-After` has passed (`RATE_LIMITED`; 429s in a row, for at least `rateLimitPauseMs`,
 * doubling), a 401/403 for `unauthorizedPauseMs`
 * (`UNAUTHORIZED`): hammering DevRev with a revoked AAT would only get it rate limited.
 *
 * @example
 * const permit = gate.admit();
 * try { gate.settle(permit, undefined); } catch (e) { gate.settle(permit, e); }
 */
export function createUpstreamGate(options: UpstreamGateOptions = {}): UpstreamGate {
  const { failureThreshold = 5, openMs = 10_000, now = Date.now } = options;
  const { unauthorizedPauseMs = 30_000, rateLimitPauseMs = 1000 } = options;
  let state: 'closed' | 'open' | 'half-open' = 'closed';
  let failures = 0;
  let openUntil = 0;
  let lastFailure: PlugSessionError | undefined;
  let pause: { until: number; error: PlugSessionError } | undefined;
  let rateLimitedInARow = 0;

  // DevRev's delay is honoured, but a 429 right after a 429 pauses at least rateLimitPauseMs,
  // doubling: a server that keeps answering `Retry-After: 0` would otherwise get a call (and
  // its retries) for every page view that needs a token.
  const rateLimitPause = (asked: number | undefined): number => {
    const floor =
      rateLimitedInARow < 2
        ? 0
        : Math.min(rateLimitPauseMs * 2 ** (rateLimitedInARow - 2), MAX_RATE_LIMIT_PAUSE_MS);
    return Math.max(asked ?? rateLimitPauseMs, floor);
  };

  const move = (next: typeof state, t: number) => {
    state = next;
    if (next === 'open') openUntil = t + openMs;
    if (next === 'closed') failures = 0;
    publishBreaker(next === 'open' ? { state: next, until: openUntil } : { state: next });
  };

  // Refusals are many while DevRev is down, one per page view: they carry no stack, which
  // would only show this function and cost more than the rest of the refusal.
  function refusal(): PlugSessionError | undefined {
    const t = now();
    if (pause && t < pause.until) {
      const { error, until } = pause;
      return withoutStack(() => paused(error, until, t));
    }
    if (state === 'closed' || (state === 'open' && t >= openUntil)) return undefined;
    const [current, count, until, last] = [state, failures, openUntil, lastFailure];
    return withoutStack(() => breakerOpen(current, count, until, last));
  }

  return {
    admit() {
      const refused = refusal();
      if (refused) throw refused;
      if (state !== 'open') return { probe: false };
      move('half-open', now());
      return { probe: true };
    },
    refusal,
    settle(permit, error) {
      const t = now();
      const failure = error instanceof PlugSessionError ? error : undefined;
      rateLimitedInARow = failure?.code === 'RATE_LIMITED' ? rateLimitedInARow + 1 : 0;
      if (failure?.code === 'RATE_LIMITED') {
        pause = { until: t + rateLimitPause(failure.retryAfterMs), error: failure };
      } else if (failure?.code === 'UNAUTHORIZED') {
        pause = { until: t + unauthorizedPauseMs, error: failure };
      }
      const counts = error !== undefined && (!failure || BREAKER_CODES.has(failure.code));
      if (counts) lastFailure = failure;
      if (permit.probe) {
        move(counts ? 'open' : 'closed', t);
      } else if (state === 'closed') {
        failures = counts ? failures + 1 : 0;
        if (failures >= failureThreshold) move('open', t);
      }
    },
  };
}

// V8's (Node, Deno, Workers) and JavaScriptCore's (Bun); an engine without it makes stacks anyway.
const V8Error = Error as { stackTraceLimit?: number };

function withoutStack(make: () => PlugSessionError): PlugSessionError {
  const limit = V8Error.stackTraceLimit;
  if (limit === undefined) return make();
  V8Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    V8Error.stackTraceLimit = limit;
  }
}

function paused(cause: PlugSessionError, until: number, t: number): PlugSessionError {
  const { code, status, type } = cause;
  const why = code === 'RATE_LIMITED' ? 'DevRev rate limited this AAT' : 'DevRev rejected this AAT';
  const what = `calls to DevRev are paused until ${new Date(until).toISOString()} because ${why}${status === undefined ? '' : ` (${status}${type ? ` ${type}` : ''})`}`;
  return new PlugSessionError(code, `${what}; ${helpFor(code)}`, {
    cause,
    ...(status === undefined ? {} : { status }),
    ...(type === undefined ? {} : { type }),
    ...(code === 'RATE_LIMITED' ? { retryAfterMs: until - t } : {}),
  });
}

function breakerOpen(
  state: 'open' | 'half-open',
  failures: number,
  until: number,
  cause: PlugSessionError | undefined,
): PlugSessionError {
  const last = cause ? ` (last: ${cause.code})` : '';
  const when =
    state === 'open'
      ? `no call is made until ${new Date(until).toISOString()}`
      : 'one probe call is testing whether DevRev has recovered';
  const what = `the circuit breaker in front of DevRev is ${state} after ${failures} consecutive failures${last}: ${when}`;
  return new PlugSessionError(
    'UPSTREAM_UNAVAILABLE',
    `${what}; ${helpFor('UPSTREAM_UNAVAILABLE')}`,
    {
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
