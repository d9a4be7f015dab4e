// What each example's server.js does: read the configuration, start the app, say where it
// is, and stop cleanly on Ctrl-C.
import { plugConfigFromEnv } from './config.js';
import { SAMPLE_USERS } from './users.js';

/** The sample users, one line each, for the console. */
export function sampleUsersText() {
  return SAMPLE_USERS.map(
    (user) => `  ${user.id.padEnd(6)} ${user.kind.padEnd(20)} ${user.summary}`,
  ).join('\n');
}

/**
 * Calls `stop` once on SIGINT or SIGTERM, then exits.
 * @param {() => Promise<void>} stop
 */
export function stopOnSignals(stop) {
  let stopping = false;
  const onSignal = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * @param {object} example
 * @param {string} example.name
 * @param {number} example.defaultPort
 * @param {(options: import('./config.js').AppOptions, where: { port: number, host: string }) => Promise<{ url: string, close(): Promise<void> }>} example.startApp
 * @param {Parameters<typeof plugConfigFromEnv>[1]['startEmulator']} example.startEmulator
 */
export async function runExample({ name, defaultPort, startApp, startEmulator }) {
  const port = Number(process.env.PORT ?? defaultPort);
  const host = process.env.HOST ?? '127.0.0.1';
  let plug;
  try {
    plug = await plugConfigFromEnv(process.env, { startEmulator });
  } catch (error) {
    console.error(`${name} example: ${error.message}`);
    process.exit(2);
  }
  const app = await startApp(plug, { port, host });
  console.log(`The ${name} example is at ${app.url}, with ${plug.description}.`);
  console.log(`Sample users (sign in at ${app.url}/signin):\n${sampleUsersText()}`);
  console.log(`Single-page view: ${app.url}/spa. Ctrl-C stops it.`);
  stopOnSignals(async () => {
    await app.close();
    await plug.close();
  });
}
