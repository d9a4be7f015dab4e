import type { PlugSessionError } from '../errors.js';
import type { PlugSessionOptions } from '../options/option-types.js';
import { normalizeOptions } from '../options/options.js';
import { createTokenProvider } from '../tokens/token-provider.js';
import { createDefaultReporter, loggerSink } from './default-reporter.js';
import { createInjectionPlanner, wantsSnippet } from './injection-planner.js';
import type { PlugSession } from './plug-session-types.js';
import { createRequestPath } from './request-path.js';
import type { Runtime } from './runtime.js';
import { createUserResolver } from './user-resolver.js';

/** What an adapter may add to the engine: today, where default warnings go. */
export interface EngineHooks<Req> {
  /**
   * The request's own logger, if the app has one (Fastify's `request.log`, pino-http's
   * `req.log`, koa-pino-logger's `ctx.log`). Without an `onError`, the default warning goes
   * through its `warn(obj, msg)` when it has one (pino's and bunyan's signature), with the
   * error as `err`; otherwise through `console.warn`.
   * @example
   * createPlugSession(options, { logger: (req) => req.log });
   */
  logger?: (req: Req) => unknown;
}

/**
 * Creates the engine every adapter drives, on `runtime`: validates the options (throwing
 * `PlugSessionOptionsError` naming the option), resolves users to cached session tokens,
 * answers the token route and plans HTML injection. All its state lives on the object it
 * returns, and goes with `close()`. Each entry point exports it as `createPlugSession`, bound
 * to its runtime.
 *
 * @example
 * const plug = createEngine(options, {}, nodeRuntime);
 */
export function createEngine<Req>(
  options: PlugSessionOptions<Req>,
  hooks: EngineHooks<Req>,
  runtime: Runtime,
): PlugSession<Req> {
  const opts = normalizeOptions(options);
  const onError =
    opts.onError ?? createDefaultReporter(hooks.logger ? loggerSink(hooks.logger) : undefined);
  const secret = opts.appAccessToken;
  // A store failure is not tied to one request: it is reported with the request whose
  // lookup notices it, once until it is taken.
  let storeError: PlugSessionError | undefined;
  const provider = createTokenProvider({
    endpoint: opts.endpoint,
    appAccessToken: secret,
    timeoutMs: opts.timeoutMs,
    cache: opts.cache,
    transport: runtime.transport,
    sha256: runtime.sha256,
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
  const { inject, appId } = opts;
  const handle = createRequestPath<Req>({
    tokenRoute: opts.tokenRoute,
    skip: opts.skip,
    resolve,
    planInjection:
      inject && appId !== undefined
        ? createInjectionPlanner({ inject, appId, secret, report, bytes: runtime.bytes })
        : undefined,
    wantsSnippet: (resolution) => wantsSnippet(resolution, inject?.anonymous ?? false),
    report,
    secret,
  });

  return {
    injects: inject !== undefined,
    handle,
    resolve,
    close: () => provider.close(),
  };
}
