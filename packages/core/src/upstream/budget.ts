import { unrefTimer } from '../host.js';

/**
 * One time budget for a whole operation (every attempt and every wait), on the monotonic
 * clock. Its `signal` aborts when the budget runs out or when the outer signal aborts.
 */
export interface Budget {
  readonly signal: AbortSignal;
  /** Milliseconds left, possibly ≤ 0. */
  remaining(): number;
  /** The time ran out. */
  expired(): boolean;
  /** It was cancelled: the outer signal aborted or {@link Budget.cancel} was called. */
  closed(): boolean;
  /** Cancels it as the outer signal would (the owner is closing). */
  cancel(): void;
  /** Waits `ms`, or less when the signal aborts first. Never rejects. */
  sleep(ms: number): Promise<void>;
  /** Releases the timer and the outer listener; call it once the operation has ended. */
  end(): void;
}

/**
 * Starts a {@link Budget} of `ms` milliseconds, cancelled early by `outer` or by `cancel()`.
 * Its controller and timer are made here, by the operation that uses them, never shared with
 * another: Cloudflare Workers tie them to the request that made them, and refuse them outside
 * a request.
 */
export function startBudget(ms: number, outer?: AbortSignal): Budget {
  const controller = new AbortController();
  const deadline = performance.now() + ms;
  let why: 'timeout' | 'closed' | undefined;
  const stop = (reason: 'timeout' | 'closed', cause: unknown) => {
    why ??= reason;
    controller.abort(cause);
  };
  const timer = unrefTimer(
    setTimeout(() => stop('timeout', new Error('the time budget ran out')), ms),
  );
  // A listener removed in end() rather than AbortSignal.any(): on Node 20 the latter keeps
  // every derived signal of a long-lived outer signal alive (nodejs/node#48951).
  const onOuter = () => stop('closed', new Error('cancelled'));
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });

  return {
    signal: controller.signal,
    remaining: () => deadline - performance.now(),
    expired: () => why === 'timeout' || performance.now() >= deadline,
    closed: () => why === 'closed',
    cancel: onOuter,
    sleep: (wait) =>
      new Promise<void>((resolve) => {
        if (controller.signal.aborted) return resolve();
        const done = () => {
          clearTimeout(sleeping);
          controller.signal.removeEventListener('abort', done);
          resolve();
        };
        const sleeping = unrefTimer(setTimeout(done, wait));
        controller.signal.addEventListener('abort', done, { once: true });
      }),
    end: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
