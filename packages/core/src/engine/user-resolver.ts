import { PlugSessionError } from '../errors.js';
import type { NormalizedOptions } from '../options/options.js';
import { DEFAULT_CACHE_MAX } from '../options/options.js';
import { createKnownRevInfos, type KnownRevInfo } from '../rev-info/known-rev-infos.js';
import { formatIssues } from '../rev-info/rev-info-validation.js';
import type { WaitUntil } from '../tokens/token-cache.js';
import type { TokenProvider } from '../tokens/token-provider.js';
import type { CachedToken } from '../tokens/token-store.js';
import { sanitizedCause, toPlugSessionError } from '../upstream/upstream-errors.js';
import type { Resolution } from './resolution.js';

/** What {@link createUserResolver} needs from the engine. */
export interface UserResolverInput<Req> {
  resolveUser: NormalizedOptions<Req>['resolveUser'];
  cacheMax: number | undefined;
  provider: TokenProvider;
  /** Redacted from every error (the AAT). */
  secret: string;
  /** Tells `onError`; never throws. */
  report(error: PlugSessionError, req: Req): void;
  /** A store failure noticed meanwhile, reported with the request that noticed it. */
  takeStoreError(): PlugSessionError | undefined;
}

const ANONYMOUS: Resolution = Object.freeze({ kind: 'anonymous' });

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/**
 * The engine's `resolve`: `resolveUser` → validation → token. A logged-in user whose token is
 * cached in memory gets it synchronously (no promise, no allocation: the resolution object is
 * kept with the token); anything that must wait returns a promise. Never throws or rejects:
 * failures go to `report` and give `{ kind: 'failed' }`. The mints a lookup starts, joins or
 * triggers are handed to `waitUntil` (the request's, on Workers) when given.
 */
export function createUserResolver<Req>(
  input: UserResolverInput<Req>,
): (req: Req, waitUntil?: WaitUntil) => Resolution | Promise<Resolution> {
  const { resolveUser, provider, secret, report, takeStoreError } = input;
  const known = createKnownRevInfos(input.cacheMax ?? DEFAULT_CACHE_MAX, provider.keyOf);
  const identified = new WeakMap<CachedToken, Resolution>();

  const fail = (error: PlugSessionError, req: Req): Resolution => {
    report(error, req);
    return { kind: 'failed', error };
  };
  const resolverFailed = (cause: unknown, req: Req): Resolution =>
    fail(
      new PlugSessionError(
        'RESOLVER_FAILED',
        'resolveUser threw; the request went on without a token',
        {
          cause: sanitizedCause(cause, secret),
        },
      ),
      req,
    );
  const identify = (token: CachedToken): Resolution => {
    let resolution = identified.get(token);
    if (resolution === undefined) {
      resolution = Object.freeze({
        kind: 'identified',
        token: token.token,
        expiresAt: new Date(token.expiresAt),
      });
      identified.set(token, resolution);
    }
    return resolution;
  };

  async function fetchToken(
    checked: KnownRevInfo,
    req: Req,
    waitUntil: WaitUntil | undefined,
  ): Promise<Resolution> {
    try {
      return identify(await provider.getToken(checked.revInfo, checked.key, waitUntil));
    } catch (cause) {
      return fail(toPlugSessionError(cause, secret), req);
    } finally {
      const storeError = takeStoreError();
      if (storeError) report(storeError, req);
    }
  }

  const forUser = (
    user: unknown,
    req: Req,
    waitUntil: WaitUntil | undefined,
  ): Resolution | Promise<Resolution> => {
    if (user === null || user === undefined) return ANONYMOUS;
    const checked = known.check(user);
    if (!checked.success) {
      const error = new PlugSessionError(
        'INVALID_REV_INFO',
        `resolveUser returned an invalid rev_info, so no call was made to DevRev: ${formatIssues(checked.issues)}`,
        { issues: checked.issues },
      );
      return fail(error, req);
    }
    const ready = provider.peek(checked.key);
    if (ready) return identify(ready);
    // DevRev is down and the breaker open: the page goes on at once, without a token, and
    // without the timers and promises of a lookup that could only fail.
    const refused = provider.refusalFor(checked.key);
    return refused ? fail(refused, req) : fetchToken(checked, req, waitUntil);
  };

  return (req, waitUntil) => {
    let user: unknown;
    let pending: boolean;
    try {
      user = resolveUser(req);
      // Reading `then` runs a getter or a proxy trap of what the resolver returned: it may
      // throw, as `await` would have.
      pending = isThenable(user);
    } catch (cause) {
      return resolverFailed(cause, req);
    }
    if (!pending) return forUser(user, req, waitUntil);
    return Promise.resolve(user).then(
      (awaited) => forUser(awaited, req, waitUntil),
      (cause: unknown) => resolverFailed(cause, req),
    );
  };
}
