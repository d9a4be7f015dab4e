// Shared by the tests and the soak (which must not load the adapters' test drivers).

/**
 * A distinctive application access token: every emulator of this package demands it, so
 * tokens are really minted with it, and every response, log line and error is searched for
 * {@link AAT_MARK}.
 */
export const AAT = 'aat-RELIABILITY-7d41c9e2-never-shown';
/** The part of the AAT that must appear nowhere (shorter than the AAT, so a cut one shows too). */
export const AAT_MARK = 'RELIABILITY-7d41c9e2';
export const APP_ID = 'app-reliability';

/** The budget every app of the fault tests gets. */
export const TIMEOUT_MS = 1000;
/** What a page may take beyond `TIMEOUT_MS` on a slow, shared machine. */
export const MARGIN_MS = 1500;

/** The breaker of core's upstream gate: consecutive failures to open, and how long it stays open. */
export const BREAKER = { failureThreshold: 5, openMs: 10_000 } as const;

/**
 * The most attempts one token request can make within `budgetMs` when every attempt fails at
 * once and is retried: core's token client waits an "equal jitter" backoff of at least half
 * of 50, 100, 200, 400, 800, 1000, 1000… ms between attempts, and never starts a wait that
 * would not fit the budget.
 */
export function maxAttemptsWithin(budgetMs: number): number {
  let waited = 0;
  let attempts = 1;
  for (let base = 50; ; base = Math.min(1000, base * 2)) {
    waited += base / 2;
    if (waited >= budgetMs) return attempts;
    attempts += 1;
  }
}
