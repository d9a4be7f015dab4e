export type { PlugSessionState } from './augment.js';
export {
  type PlugSessionKoaOptions,
  type PlugSessionMiddleware,
  plugSession,
} from './plug-session.js';
