#!/usr/bin/env node
// The `plug-session` command: `plug-session mint --user-ref alice …` (see cli-args.ts).
import { main } from './cli-main.js';

main(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    // An unexpected bug: say so without a stack that could hold request state.
    process.stderr.write(`plug-session: unexpected error: ${(error as Error)?.message ?? error}\n`);
    process.exitCode = 1;
  },
);
