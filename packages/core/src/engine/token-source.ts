import type { PlugSessionError } from '../errors.js';
import type { PlugSessionOptions, ResolvedUser } from '../options/option-types.js';
import { createEngine } from './create-plug-session.js';
import type { Runtime } from './runtime.js';
import { ownExpiry } from './token-route.js';

/** The options of `createTokenSource`: the token options of every adapter. */
export type TokenSourceOptions = Pick<
  PlugSessionOptions<ResolvedUser>,
  'appAccessToken' | 'endpoint' | 'timeoutMs' | 'cache'
> & {
  /**
   * Told of every failure; `tokenFor` still resolves (to `undefined`).
   * @default a warning through `console.warn`, once per code and cause, never holding the AAT
   */
  onError?: (error: PlugSessionError) => void;
};

/** A user's session token and its own expiry (the JWT's `exp`, as the token route's `expires_at`). */
export interface SessionToken {
  sessionToken: string;
  expiresAt: Date;
}

/** What `createTokenSource` returns. */
export interface TokenSource {
  /**
   * The session token for `revInfo`: validated, cached, coalesced and retried as in the
   * middleware. Resolves to `undefined` for `null`/`undefined` or when no token could be had
   * (the failure goes to `onError`); never rejects.
   */
  tokenFor(revInfo: ResolvedUser): Promise<SessionToken | undefined>;
  /** Lets go of the HTTP client's sockets and timers, so that the process can exit. */
  close(): Promise<void>;
}

/**
 * Session tokens on `runtime` for code that has a rev_info but no middleware; each entry
 * point exports it as `createTokenSource`, bound to its runtime. Invalid options throw here,
 * naming the option.
 *
 * @example
 * const tokens = createRuntimeTokenSource({ appAccessToken }, webRuntime);
 */
export function createRuntimeTokenSource(
  options: TokenSourceOptions,
  runtime: Runtime,
): TokenSource {
  // Not an object: the engine's checks then name the missing appAccessToken.
  const given: Partial<TokenSourceOptions> =
    typeof options === 'object' && options !== null ? options : {};
  const { onError } = given;
  const engine = createEngine<ResolvedUser>(
    {
      appAccessToken: given.appAccessToken as string,
      endpoint: given.endpoint,
      timeoutMs: given.timeoutMs,
      cache: given.cache,
      // What the caller hands over is the rev_info itself.
      resolveUser: (revInfo) => revInfo,
      onError: onError && ((error) => onError(error)),
    },
    {},
    runtime,
  );
  return {
    async tokenFor(revInfo) {
      const resolution = await engine.resolve(revInfo);
      if (resolution.kind !== 'identified') return undefined;
      const { token, expiresAt } = resolution;
      return { sessionToken: token, expiresAt: ownExpiry(token, expiresAt) };
    },
    close: () => engine.close(),
  };
}
