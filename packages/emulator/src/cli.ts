#!/usr/bin/env node
import { parseCliArgs, USAGE } from './cli-args.js';
import { startEmulator } from './server.js';

/**
 * The `plug-session-emulator` command: starts the emulator, prints where it is, and runs
 * until SIGINT or SIGTERM. The AAT given with `--aat` is never printed.
 */
async function main(): Promise<void> {
  const request = parseCliArgs(process.argv.slice(2));
  if (request.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (request.kind === 'error') {
    console.error(`plug-session-emulator: ${request.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const emu = await startEmulator(request.options);
  const stop = (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: closing`);
    // A safety net: if closing ever stalled, don't leave a zombie holding the port.
    setTimeout(() => process.exit(1), 5000).unref();
    emu.close().then(
      () => console.log('plug-session-emulator stopped'),
      (error: unknown) => {
        console.error(`plug-session-emulator: close failed: ${String(error)}`);
        process.exitCode = 1;
      },
    );
  };
  // Listening before printing: whoever reads the address may signal at once.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const auth = request.options.appAccessToken
    ? 'only the AAT given with --aat is accepted (raw or as "Bearer <aat>")'
    : 'any non-empty authorization header is accepted (no --aat given)';
  console.log(
    [
      `plug-session-emulator listening on ${emu.url}`,
      `  token endpoint: ${emu.endpoint}`,
      `  plug.js:        ${emu.scriptSrc}`,
      `  authorization:  ${auth}`,
      'Stop with Ctrl+C.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  // Start-up errors (EADDRINUSE, a bad option) never hold the AAT: option errors name it only.
  console.error(`plug-session-emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
