export { connectPlug } from './connect-plug.js';
export type { ConnectPlugOptions, PlugConnection, PlugInitOptions } from './options.js';
