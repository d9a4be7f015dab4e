// node server.js: the Hono example on PORT (default 3004), against real DevRev when
// DEVREV_AAT and PLUG_APP_ID are set, else against an emulator started here.
import { startEmulator } from '@plug-session/emulator';
import { runExample } from '../shared/run.js';
import { startApp } from './app.js';

await runExample({ name: 'hono', defaultPort: 3004, startApp, startEmulator });
