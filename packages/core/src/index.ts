export { createPlugSession, type EngineHooks } from './engine/create-plug-session.js';
export { nonceFromCsp } from './inject/csp-nonce.js';
export { createDefaultReporter, type WarnSink } from './engine/default-reporter.js';
export {
  type BreakerMessage,
  type CacheMessage,
  CHANNELS as diagnosticsChannels,
  type UpstreamMessage,
} from './diagnostics.js';
export {
  type ByteInjector,
  type InjectionPlan,
  type PlugSession,
  type Resolution,
  SKIPPED,
  type TokenRouteResponse,
  tokenOf,
} from './engine/engine-types.js';
export {
  helpFor,
  isPlugSessionError,
  PlugSessionError,
  type PlugSessionErrorCode,
  type PlugSessionErrorDetails,
  type RevInfoIssue,
} from './errors.js';
export { createHtmlInjector, createInjectTransform } from './inject/html-injector.js';
export type { HeaderAccess, HeaderValue, ResponseFacts } from './inject/response-facts.js';
export { isInjectable } from './inject/injectable.js';
export { createMemoryStore } from './tokens/memory-store.js';
export {
  type HandleNodeRequestOptions,
  handleNodeRequest,
  type NodeRequestOutcome,
} from './node/handle-node-request.js';
export { setRequestToken } from './node/node-request-token.js';
export { interceptResponse, nodeHeaders } from './node/intercept-response.js';
export {
  DEFAULT_ENDPOINT,
  DEFAULT_SCRIPT_SRC,
  DEFAULT_TIMEOUT_MS,
  PlugSessionOptionsError,
} from './options/options.js';
export type {
  CacheOptions,
  InjectScriptOptions,
  PlugSessionOptions,
  ResolvedUser,
} from './options/option-types.js';
export { type RevInfo, revInfoSchema } from './rev-info/rev-info-schema.js';
export { validateRevInfo } from './rev-info/rev-info-validation.js';
export { isValidNonce, renderSnippet } from './inject/snippet.js';
export type { CachedToken, TokenStore } from './tokens/token-store.js';
export { injectHtml } from './inject/inject-html.js';
