export type {
  InjectScriptOptions,
  PlugSessionError,
  PlugSessionErrorCode,
  RevInfo,
  TokenStore,
} from '@plug-session/core/node';
export type { PlugSessionRequest } from './augment.js';
export {
  type PlugSessionExpressOptions,
  type PlugSessionMiddleware,
  plugSession,
} from './plug-session.js';
