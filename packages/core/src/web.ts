// The web build (Bun, Deno, Cloudflare Workers; `@plug-session/core/web`): the Node entry's API
// minus its node/ helpers, on the runtime's `fetch` and plain Uint8Array bytes. It imports no
// `node:` module and names no `Buffer` (scripts/check-web-bundle.mjs checks the built file).
export {
  type BreakerMessage,
  type CacheMessage,
  CHANNELS as diagnosticsChannels,
  type UpstreamMessage,
} from './diagnostics.js';
export type { EngineHooks } from './engine/create-plug-session.js';
export type {
  PlugSession,
  RequestFacts,
  RequestOutcome,
  ResponsePlanner,
  TokenRouteResponse,
} from './engine/plug-session-types.js';
export type { Resolution } from './engine/resolution.js';
export type {
  SessionToken,
  TokenSource,
  TokenSourceOptions,
} from './engine/token-source.js';
export {
  helpFor,
  isPlugSessionError,
  PlugSessionError,
  type PlugSessionErrorCode,
  type PlugSessionErrorDetails,
  type RevInfoIssue,
} from './errors.js';
export { nonceFromCsp } from './inject/csp-nonce.js';
export { isInjectable } from './inject/injectable.js';
export type { ByteInjector, InjectionPlan } from './inject/injection-plan.js';
export type { HeaderAccess, HeaderValue, ResponseFacts } from './inject/response-facts.js';
export { renderSnippet } from './inject/snippet.js';
export type {
  CacheOptions,
  InjectScriptOptions,
  PlugSessionOptions,
  ResolvedUser,
} from './options/option-types.js';
export {
  DEFAULT_ENDPOINT,
  DEFAULT_SCRIPT_SRC,
  DEFAULT_TIMEOUT_MS,
  PlugSessionOptionsError,
} from './options/options.js';
export { type RevInfo, revInfoSchema } from './rev-info/rev-info-schema.js';
export { validateRevInfo } from './rev-info/rev-info-validation.js';
export { createPlugSession, createTokenSource } from './runtime/web-runtime.js';
export { createMemoryStore } from './tokens/memory-store.js';
export type { CachedToken, TokenStore } from './tokens/token-store.js';
export { answerToResponse } from './web/answer-to-response.js';
export { createHtmlInjector, injectHtml } from './web/html-injection.js';
export { injectIntoResponse } from './web/inject-into-response.js';
export { webHeaders } from './web/web-headers.js';
