export { createPlugSession, type EngineHooks } from './create-plug-session.js';
export { nonceFromCsp } from './csp-nonce.js';
export { createDefaultReporter, type WarnSink } from './default-reporter.js';
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
} from './engine-types.js';
export {
  helpFor,
  isPlugSessionError,
  PlugSessionError,
  type PlugSessionErrorCode,
  type PlugSessionErrorDetails,
  type RevInfoIssue,
} from './errors.js';
export { createHtmlInjector, createInjectTransform } from './html-injector.js';
export type { HeaderAccess, HeaderValue, ResponseFacts } from './http-types.js';
export { isInjectable } from './injectable.js';
export { createMemoryStore } from './memory-store.js';
export {
  type HandleNodeRequestOptions,
  handleNodeRequest,
  type NodeRequestOutcome,
} from './node-handler.js';
export { setRequestToken } from './node-request-token.js';
export { interceptResponse, nodeHeaders } from './node-response.js';
export {
  DEFAULT_ENDPOINT,
  DEFAULT_SCRIPT_SRC,
  DEFAULT_TIMEOUT_MS,
  PlugSessionOptionsError,
} from './options.js';
export type {
  CacheOptions,
  InjectScriptOptions,
  PlugSessionOptions,
  ResolvedUser,
} from './options-types.js';
export { type RevInfo, revInfoSchema } from './rev-info-schema.js';
export { validateRevInfo } from './rev-info-validation.js';
export { isValidNonce, renderSnippet } from './snippet.js';
export type { CachedToken, TokenStore } from './token-store.js';
export { injectHtml } from './whole-body.js';
