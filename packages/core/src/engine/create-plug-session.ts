import { nonceFromCsp } from '../inject/csp-nonce.js';
import { createDefaultReporter, type WarnSink } from './default-reporter.js';
import type { PlugSession, Resolution } from './engine-types.js';
import { PlugSessionError } from '../errors.js';
import type { HeaderAccess } from '../inject/response-facts.js';
import { isInjectable } from '../inject/injectable.js';
import { createInjectionPlan, type RenderedSnippet } from '../inject/injection-plan.js';
import { normalizeOptions } from '../options/options.js';
import type { PlugSessionOptions } from '../options/option-types.js';
import { renderSnippet } from '../inject/snippet.js';
import { createTokenProvider } from '../tokens/token-provider.js';
import { tokenRouteResponse } from './token-route.js';
import { sanitizedCause, toPlugSessionError } from '../upstream/upstream-errors.js';
import { createUserResolver } from './user-resolver.js';

/** What an adapter may add to the engine: today, where default warnings go. */
export interface EngineHooks<Req> {
  /** Where the default `onError` writes (Fastify: `request.log.warn`). */
  warn?: WarnSink<Req>;
}

// One set in the process, under a registry symbol, so that two copies of core (ESM and CJS, or
// two versions) agree on the claim. Not a mark on the response: a new property there would
// give every response a new shape, which slows Node's own code on it.
const CLAIMS = Symbol.for('plug-session.injection-claims');
const registry = globalThis as { [CLAIMS]?: WeakSet<object> };
registry[CLAIMS] ??= new WeakSet<object>();
const claims = registry[CLAIMS];

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
  const resolve = createUserResolver({
    resolveUser: opts.resolveUser,
    cacheMax: opts.cache === false ? undefined : opts.cache.max,
    provider,
    secret,
    report,
    takeStoreError() {
      const error = storeError;
      storeError = undefined;
      return error;
    },
  });

  // Keyed by resolution: the engine keeps one per cached token, and one for anonymous visitors.
  const snippets = new WeakMap<Resolution, RenderedSnippet>();
  const nonceFor = (req: Req, headers: HeaderAccess): string | undefined => {
    const chosen = opts.inject?.nonce?.(req);
    return chosen ?? nonceFromCsp(headers.get('content-security-policy'));
  };

  return {
    injects: opts.inject !== undefined,

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

    resolve,

    tokenRouteResponse,

    claimInjection(target) {
      if (!opts.inject || claims.has(target)) return false;
      claims.add(target);
      return true;
    },

    planInjection(req, resolution, response) {
      const inject = opts.inject;
      if (!inject || opts.appId === undefined) return undefined;
      if (resolution.kind === 'skipped' || resolution.kind === 'failed') return undefined;
      if (resolution.kind === 'anonymous' && !inject.anonymous) return undefined;
      if (!isInjectable(response)) return undefined;
      const nonce = nonceFor(req, response.headers);
      // Without a nonce a user's snippet is the same on every page: rendered once per token.
      let snippet = nonce === undefined ? snippets.get(resolution) : undefined;
      if (snippet === undefined) {
        try {
          const text = renderSnippet({
            scriptSrc: inject.scriptSrc,
            appId: opts.appId,
            sessionToken: resolution.kind === 'identified' ? resolution.token : undefined,
            initOptions: inject.initOptions,
            nonce,
          });
          snippet = { text, bytes: Buffer.from(text, 'latin1') };
        } catch (cause) {
          report(toPlugSessionError(cause, secret), req);
          return undefined;
        }
        if (nonce === undefined) snippets.set(resolution, snippet);
      }
      return createInjectionPlan({
        snippet,
        scriptSrc: inject.scriptSrc,
        identified: resolution.kind === 'identified',
        headers: response.headers,
      });
    },

    close: () => provider.close(),
  };
}
