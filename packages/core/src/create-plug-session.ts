import { nonceFromCsp } from './csp-nonce.js';
import { createDefaultReporter, type WarnSink } from './default-reporter.js';
import type { PlugSession, Resolution } from './engine-types.js';
import { PlugSessionError } from './errors.js';
import type { HeaderAccess } from './http-types.js';
import { isInjectable } from './injectable.js';
import { createInjectionPlan } from './injection-plan.js';
import { normalizeOptions } from './options.js';
import type { PlugSessionOptions } from './options-types.js';
import { formatIssues, validateRevInfo } from './rev-info-schema.js';
import { renderSnippet } from './snippet.js';
import { createTokenProvider } from './token-provider.js';
import { tokenRouteResponse } from './token-route.js';
import { sanitizedCause, toPlugSessionError } from './upstream-errors.js';

/** What an adapter may add to the engine: today, where default warnings go. */
export interface EngineHooks<Req> {
  /** Where the default `onError` writes (Fastify: `request.log.warn`). */
  warn?: WarnSink<Req>;
}

// A registry symbol, so two copies of core (ESM and CJS, or two versions) agree on the claim.
const INJECTION_CLAIM = Symbol.for('plug-session.injection-claim');
const ANONYMOUS: Resolution = Object.freeze({ kind: 'anonymous' });

/**
 * Creates the engine every adapter drives: validates the options (throwing
 * `PlugSessionOptionsError` naming the option), resolves users to cached session tokens,
 * answers the token route and plans HTML injection.
 *
 * @example
 * const plug = createPlugSession({
 *   appAccessToken: process.env.DEVREV_AAT!,
 *   appId: process.env.PLUG_APP_ID,
 *   injectScript: true,
 *   resolveUser: (req: IncomingMessage) => (userOf(req) ? { user_ref: userOf(req).id } : null),
 * });
 */
export function createPlugSession<Req>(
  options: PlugSessionOptions<Req>,
  hooks: EngineHooks<Req> = {},
): PlugSession<Req> {
  const opts = normalizeOptions(options);
  const onError = opts.onError ?? createDefaultReporter(hooks.warn);
  const secret = opts.appAccessToken;
  // A store failure is not tied to one request: it is reported with the request whose
  // lookup notices it, once until it is taken.
  let storeError: PlugSessionError | undefined;
  const provider = createTokenProvider({
    endpoint: opts.endpoint,
    appAccessToken: secret,
    timeoutMs: opts.timeoutMs,
    cache: opts.cache,
    onStoreError: (error) => {
      storeError ??= error;
    },
  });

  const report = (error: PlugSessionError, req: Req): void => {
    try {
      onError(error, req);
    } catch {
      // A throwing onError must not turn a reported failure into a broken page.
    }
  };
  const fail = (error: PlugSessionError, req: Req): Resolution => {
    report(error, req);
    return { kind: 'failed', error };
  };

  const nonceFor = (req: Req, headers: HeaderAccess): string | undefined => {
    const chosen = opts.inject?.nonce?.(req);
    return chosen ?? nonceFromCsp(headers.get('content-security-policy'));
  };

  return {
    shouldSkip(method, req) {
      if (method === 'HEAD' || method === 'OPTIONS') return true;
      if (!opts.skip) return false;
      try {
        return opts.skip(req) === true;
      } catch (cause) {
        report(
          new PlugSessionError('RESOLVER_FAILED', 'skip threw; the request was skipped', {
            cause: sanitizedCause(cause, secret),
          }),
          req,
        );
        return true;
      }
    },

    isTokenRoute(method, path) {
      if (method !== 'GET' || opts.tokenRoute === undefined) return false;
      const query = path.indexOf('?');
      return (query === -1 ? path : path.slice(0, query)) === opts.tokenRoute;
    },

    async resolve(req) {
      let user: unknown;
      try {
        user = await opts.resolveUser(req);
      } catch (cause) {
        const error = new PlugSessionError(
          'RESOLVER_FAILED',
          'resolveUser threw; the request went on without a token',
          { cause: sanitizedCause(cause, secret) },
        );
        return fail(error, req);
      }
      if (user === null || user === undefined) return ANONYMOUS;
      const checked = validateRevInfo(user);
      if (!checked.success) {
        const error = new PlugSessionError(
          'INVALID_REV_INFO',
          `resolveUser returned an invalid rev_info, so no call was made to DevRev: ${formatIssues(checked.issues)}`,
          { issues: checked.issues },
        );
        return fail(error, req);
      }
      try {
        const token = await provider.getToken(checked.output);
        return { kind: 'identified', token: token.token, expiresAt: new Date(token.expiresAt) };
      } catch (cause) {
        return fail(toPlugSessionError(cause, secret), req);
      } finally {
        if (storeError) {
          report(storeError, req);
          storeError = undefined;
        }
      }
    },

    tokenRouteResponse,

    claimInjection(target) {
      if (!opts.inject) return false;
      const marked = target as { [INJECTION_CLAIM]?: true };
      if (marked[INJECTION_CLAIM]) return false;
      Object.defineProperty(target, INJECTION_CLAIM, { value: true, enumerable: false });
      return true;
    },

    planInjection(req, resolution, response) {
      const inject = opts.inject;
      if (!inject || opts.appId === undefined) return undefined;
      if (resolution.kind === 'skipped' || resolution.kind === 'failed') return undefined;
      if (resolution.kind === 'anonymous' && !inject.anonymous) return undefined;
      if (!isInjectable(response)) return undefined;
      let snippet: string;
      try {
        snippet = renderSnippet({
          scriptSrc: inject.scriptSrc,
          appId: opts.appId,
          sessionToken: resolution.kind === 'identified' ? resolution.token : undefined,
          initOptions: inject.initOptions,
          nonce: nonceFor(req, response.headers),
        });
      } catch (cause) {
        report(toPlugSessionError(cause, secret), req);
        return undefined;
      }
      return createInjectionPlan({
        snippet: Buffer.from(snippet, 'latin1'),
        scriptSrc: inject.scriptSrc,
        identified: resolution.kind === 'identified',
        headers: response.headers,
      });
    },

    close: () => provider.close(),
  };
}
