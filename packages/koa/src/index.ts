export type { PlugSessionState } from './augment.js';
export { type PlugSessionKoaOptions, plugSession } from './plug-session.js';
