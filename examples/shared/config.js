// Where the examples get their tokens and plug.js from: real DevRev when DEVREV_AAT and
// PLUG_APP_ID are set, otherwise an emulator started in-process.

/** The real plug.js, and the hosts DevRev's docs say a CSP must allow for it. */
export const DEVREV_SCRIPT_SRC = 'https://plug-platform.devrev.ai/static/plug.js';
export const DEVREV_PLUG_HOSTS = Object.freeze([
  'https://plug-platform.devrev.ai',
  'https://api.devrev.ai',
]);

/**
 * What every example app needs to know about PLuG.
 * @typedef {object} PlugConfig
 * @property {'devrev' | 'emulator'} mode
 * @property {string} aat the application access token (a secret: never print it)
 * @property {string} appId the PLuG unique app id given to plugSDK.init
 * @property {string | undefined} endpoint the token endpoint (undefined: plug-session's default)
 * @property {string} scriptSrc where pages load plug.js from
 * @property {string[]} plugHosts origins the CSP must allow for plug.js
 * @property {string} description one line for the console, without secrets
 * @property {() => Promise<void>} close stops the emulator, if one was started
 */

/**
 * Reads the PLuG configuration from the environment, starting an emulator when DevRev's
 * credentials are not there.
 * @param {Record<string, string | undefined>} env
 * @param {object} deps
 * @param {(options?: { port?: number, host?: string, appAccessToken?: string }) => Promise<{ url: string, endpoint: string, scriptSrc: string, close(): Promise<void> }>} deps.startEmulator
 * @param {number} [deps.emulatorPort] 0 (the default) picks a free port
 * @param {string} [deps.emulatorHost]
 * @returns {Promise<PlugConfig>}
 */
export async function plugConfigFromEnv(env, { startEmulator, emulatorPort = 0, emulatorHost }) {
  const aat = env.DEVREV_AAT?.trim();
  const appId = env.PLUG_APP_ID?.trim();
  if (aat && appId) {
    const endpoint = env.DEVREV_ENDPOINT?.trim() || undefined;
    return {
      mode: 'devrev',
      aat,
      appId,
      endpoint,
      scriptSrc: DEVREV_SCRIPT_SRC,
      plugHosts: [...DEVREV_PLUG_HOSTS],
      description: `real DevRev (app id ${appId}, token endpoint ${endpoint ?? 'the default'})`,
      close: async () => {},
    };
  }
  if (aat || appId) {
    throw new Error(
      `${aat ? 'DEVREV_AAT' : 'PLUG_APP_ID'} is set but ${aat ? 'PLUG_APP_ID' : 'DEVREV_AAT'} is not: set both to use real DevRev, or neither to use the emulator`,
    );
  }
  // The emulator checks the AAT like DevRev does; any value works as long as both sides agree.
  const demoAat = 'demo-aat';
  const emulator = await startEmulator({
    appAccessToken: demoAat,
    port: emulatorPort,
    ...(emulatorHost ? { host: emulatorHost } : {}),
  });
  return {
    mode: 'emulator',
    aat: demoAat,
    appId: 'demo-app',
    endpoint: emulator.endpoint,
    scriptSrc: emulator.scriptSrc,
    plugHosts: [emulator.url],
    description: `the PLuG emulator at ${emulator.url} (set DEVREV_AAT and PLUG_APP_ID for real DevRev)`,
    close: () => emulator.close(),
  };
}

/**
 * What each example's `createApp` takes: the PLuG configuration (from {@link plugConfigFromEnv},
 * or a test's own emulator), where to log, and the secret that signs the session cookie.
 * @typedef {object} AppOptions
 * @property {string} aat
 * @property {string} appId
 * @property {string | undefined} [endpoint]
 * @property {string} scriptSrc
 * @property {readonly string[]} plugHosts
 * @property {import('./log.js').Log} [log] console by default
 * @property {string} [sessionSecret] random per process by default (sessions end on restart)
 */
