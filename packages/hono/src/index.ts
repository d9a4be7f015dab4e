export type {
  InjectScriptOptions,
  PlugSessionError,
  PlugSessionErrorCode,
  RevInfo,
  TokenStore,
} from '@plug-session/core';
export type { PlugSessionVariables } from './augment.js';
export {
  type PlugSessionHonoOptions,
  type PlugSessionMiddleware,
  plugSession,
} from './plug-session.js';
