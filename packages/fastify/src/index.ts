export type {
  InjectScriptOptions,
  PlugSessionError,
  PlugSessionErrorCode,
  RevInfo,
} from '@plug-session/core/node';
export { plugSession, plugSession as default } from './plugin.js';
export type { PlugSessionFastifyOptions, PlugSessionHook } from './types.js';
