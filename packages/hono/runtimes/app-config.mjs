// The runtime app's token route, and its configuration from environment variables (Bun, Deno,
// Node) or a Worker's bindings. No imports: Miniflare's launcher and the check read it too.

/** The path of the app's token route. */
export const TOKEN_ROUTE = '/plug/session';

/** The variables (or bindings) the app reads. */
export const CONFIG_NAMES = Object.freeze([
  'DEVREV_AAT',
  'DEVREV_ENDPOINT',
  'PLUG_SCRIPT_SRC',
  'PLUG_APP_ID',
  'PLUG_TIMEOUT_MS',
]);

/**
 * What the app needs to know, read from environment variables (Bun, Deno, Node) or bindings
 * (Workers).
 * @typedef {object} RuntimeAppConfig
 * @property {string} appAccessToken the AAT (`DEVREV_AAT`)
 * @property {string} endpoint the token endpoint (`DEVREV_ENDPOINT`)
 * @property {string} scriptSrc where plug.js is loaded from (`PLUG_SCRIPT_SRC`)
 * @property {string} appId the PLuG app id (`PLUG_APP_ID`)
 * @property {number | undefined} timeoutMs the time budget per token (`PLUG_TIMEOUT_MS`)
 */

/**
 * Reads the app's configuration from the runtime's environment.
 * @param {(name: string) => string | undefined} read
 * @returns {RuntimeAppConfig}
 * @example
 * configFrom((name) => Deno.env.get(name));
 * configFrom((name) => env[name]); // a Worker's bindings
 */
export function configFrom(read) {
  const required = (name) => {
    const value = read(name);
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const timeout = read('PLUG_TIMEOUT_MS');
  return {
    appAccessToken: required('DEVREV_AAT'),
    endpoint: required('DEVREV_ENDPOINT'),
    scriptSrc: required('PLUG_SCRIPT_SRC'),
    appId: required('PLUG_APP_ID'),
    timeoutMs: timeout ? Number(timeout) : undefined,
  };
}
