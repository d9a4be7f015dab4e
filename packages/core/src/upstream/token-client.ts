import { publishUpstream } from '../diagnostics.js';
import type { PlugSessionError } from '../errors.js';
import type { CachedToken } from '../tokens/token-store.js';
import { type Budget, startBudget } from './budget.js';
import type { TransportFactory } from './transport.js';
import {
  isRetryableNetworkError,
  isTimeoutError,
  sanitizedCause,
  upstreamError,
} from './upstream-errors.js';
import { type AttemptResult, interpretResponse } from './upstream-response.js';

/** Options of {@link createTokenClient}. */
export interface TokenClientOptions {
  /** The full URL of the token endpoint. */
  endpoint: URL;
  /** The AAT, sent as is as the `authorization` header (the caller trims it). */
  appAccessToken: string;
  /** The whole budget of one {@link TokenClient.mint}, retries included, in milliseconds. */
  timeoutMs: number;
  /** The wall clock that times tokens (epoch ms); budgets use a monotonic clock. */
  now?: () => number;
  /** How requests reach the endpoint: undici's Pool on Node, the global `fetch` elsewhere. */
  transport: TransportFactory;
}

/** Mints session tokens at DevRev's token endpoint over one transport (a keep-alive pool on Node). */
export interface TokenClient {
  /**
   * One token for `revInfo`, or a rejection with a {@link PlugSessionError}. Retries 429
   * (honouring `Retry-After`), 5xx and connection failures within the budget.
   * `signal` aborts it, as {@link TokenClient.close} does; `budgetMs` defaults to `timeoutMs`.
   */
  mint(revInfo: object, signal?: AbortSignal, budgetMs?: number): Promise<CachedToken>;
  /**
   * Cancels the calls in flight (they reject with NETWORK, "closed"), as well as any call made
   * after it, and closes the transport (undici's pool).
   */
  close(): Promise<void>;
}

type Failure = Exclude<AttemptResult, { kind: 'token' }>;

const MAX_BODY_BYTES = 64 * 1024;
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;

/**
 * The HTTP client of the token endpoint.
 *
 * The retry loop is ours rather than undici's `RetryAgent`: RetryHandler counts retries, not
 * time, so it cannot keep every attempt and wait inside one overall budget, it cannot read
 * DevRev's `retry_after` from a 429's body, and it does not retry POST by default. Being
 * ours, it is also the same over every transport (undici on Node, `fetch` elsewhere).
 *
 * @example
 * const client = createTokenClient({ endpoint, appAccessToken, timeoutMs: 2000, transport });
 * const { token } = await client.mint({ user_ref: 'u1' });
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const { endpoint, appAccessToken: secret, timeoutMs, now = Date.now } = options;
  const where = `${endpoint.origin}${endpoint.pathname}`;
  const headers = {
    authorization: secret,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const transport = options.transport(endpoint, headers, {
    timeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  // The budgets of the calls in flight, which close() cancels: no signal lives as long as the
  // client, because Cloudflare Workers refuse an AbortController made outside a request and
  // fail every request but the one that made it.
  const inFlight = new Set<Budget>();
  let closed = false;

  async function attempt(body: string, budget: Budget): Promise<AttemptResult> {
    try {
      const timeout = Math.max(1, Math.ceil(budget.remaining()));
      const answer = await transport.post(body, budget.signal, timeout);
      return interpretResponse({ ...answer, receivedAt: now() }, secret);
    } catch (error) {
      return failureOf(error, budget);
    }
  }

  function failureOf(error: unknown, budget: Budget): Failure {
    const cause = sanitizedCause(error, secret);
    if (budget.closed()) {
      const what = `the token request to ${where} was cancelled: the plug-session was closed`;
      return { kind: 'fail', error: upstreamError('NETWORK', what, secret, { cause }) };
    }
    if (budget.expired() || isTimeoutError(error)) {
      const what = `DevRev (${where}) did not answer within ${timeoutMs} ms`;
      return { kind: 'fail', error: upstreamError('TIMEOUT', what, secret, { cause }) };
    }
    const what = `the token request to ${where} failed (${cause.message})`;
    const network = upstreamError('NETWORK', what, secret, { cause });
    return isRetryableNetworkError(error)
      ? { kind: 'retry', error: network }
      : { kind: 'fail', error: network };
  }

  async function mint(revInfo: object, signal?: AbortSignal, budgetMs = timeoutMs) {
    const body = JSON.stringify({ rev_info: revInfo });
    const budget = startBudget(budgetMs, signal);
    if (closed) budget.cancel();
    inFlight.add(budget);
    // When the budget runs out during a retry, the failure that made us retry is the one
    // to report: "DevRev answered 503" says more than "time ran out", and does not depend
    // on how loaded the machine was when the last attempt started.
    let retried: PlugSessionError | undefined;
    try {
      for (let number = 1; ; number++) {
        const started = performance.now();
        const result = await attempt(body, budget);
        const wait = result.kind === 'retry' ? waitBefore(result, number, budget) : undefined;
        report(number, started, result, wait !== undefined);
        if (result.kind === 'token') return result.token;
        if (wait === undefined) {
          const timedOut = result.error.code === 'TIMEOUT' && !budget.closed();
          throw timedOut && retried ? retried : result.error;
        }
        retried = result.error;
        await budget.sleep(wait);
        if (budget.closed()) throw failureOf(budget.signal.reason, budget).error;
        if (budget.expired()) throw retried;
      }
    } finally {
      inFlight.delete(budget);
      budget.end();
    }
  }

  function close(): Promise<void> {
    closed = true;
    for (const budget of inFlight) budget.cancel();
    return transport.close();
  }

  return { mint, close };
}

/** The wait before the next attempt, or `undefined` when it would not fit the budget. */
function waitBefore(result: Failure & { kind: 'retry' }, number: number, budget: Budget) {
  // Our own backoff has "equal jitter" so that instances failing together do not retry
  // together. A server-given delay is honoured, but never shortens it: a 429 that keeps
  // saying `Retry-After: 0` (or a date already past) would otherwise be retried in a tight
  // loop for the whole budget, dozens of calls for one page view.
  const base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (number - 1));
  const wait = Math.max(result.waitMs ?? 0, base / 2 + Math.random() * (base / 2));
  return wait < budget.remaining() ? wait : undefined;
}

function report(number: number, started: number, result: AttemptResult, retrying: boolean) {
  publishUpstream(() => {
    const durationMs = performance.now() - started;
    if (result.kind === 'token') {
      return { attempt: number, durationMs, outcome: 'success', status: result.status };
    }
    const { code, status } = result.error;
    const outcome = retrying ? 'retry' : 'failure';
    return {
      attempt: number,
      durationMs,
      outcome,
      code,
      ...(status === undefined ? {} : { status }),
    };
  });
}
