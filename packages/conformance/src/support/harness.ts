import type { PlugSessionError, PlugSessionOptions } from '@plug-session/core';
import { type Emulator, type EmulatorOptions, startEmulator } from '@plug-session/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Driver, RouteSpec, RunningApp, StartOptions } from '../driver.js';
import { type Reply, type SendInit, send } from './http.js';
import { resolverFor } from './users.js';

/** The AAT every emulator of the suite demands, so that a wrong header is a 401. */
export const AAT = 'aat-conformance-5e1f0a';
export const APP_ID = 'app-test';

export type Options = PlugSessionOptions<unknown>;

/** A started test app: its address and a client for it. */
export interface App extends RunningApp {
  send(path: string, init?: SendInit): Promise<Reply>;
}

/** One describe block's emulator, apps and records. Read its fields inside tests only. */
export interface Harness {
  readonly emu: Emulator;
  /** What `onError` got during the current test, in order. */
  readonly errors: PlugSessionError[];
  /** The `x-user` header of every `resolveUser` call during the current test. */
  readonly resolved: Array<string | undefined>;
  /** Options against this emulator: the AAT, the endpoint, the resolver and a recording onError. */
  options(extra?: Partial<Options>): Options;
  /** Options with `injectScript` on, loading the emulator's plug.js, app id `app-test`. */
  injecting(inject?: Record<string, unknown>, extra?: Partial<Options>): Options;
  /** Starts an app (closed after the test). */
  start(
    routes: RouteSpec[],
    options?: Options,
    more?: Omit<StartOptions, 'options' | 'routes'>,
  ): Promise<App>;
  /**
   * Takes an app the test built itself, for what a driver's routes cannot say (a sub-app, a
   * child scope, a route reading the token): closed after the test like those of `start`.
   */
  track(app: RunningApp): App;
}

/** How a describe block shares its emulator. */
export interface HarnessOptions extends EmulatorOptions {
  /**
   * A fresh emulator for every test instead of one per block. For failures that end while
   * a retry is on its way: a request of the previous test reaching a shared emulator late
   * would count as a call of the next one.
   */
  emulatorPerTest?: boolean;
}

/**
 * Registers the hooks of one describe block: one emulator for the block (its calls and
 * faults cleared before each test), and every app started by a test closed after it.
 */
export function useHarness(driver: Driver, harnessOptions: HarnessOptions = {}): Harness {
  const { emulatorPerTest = false, ...emulatorOptions } = harnessOptions;
  let emu: Emulator | undefined;
  const errors: PlugSessionError[] = [];
  const resolved: Array<string | undefined> = [];
  const running: RunningApp[] = [];
  const startEmu = async () => {
    emu = await startEmulator({ appAccessToken: AAT, ...emulatorOptions });
  };
  const closeEmu = async () => {
    await emu?.close();
    emu = undefined;
  };

  if (!emulatorPerTest) {
    beforeAll(startEmu);
    afterAll(closeEmu);
  }
  beforeEach(async () => {
    errors.length = 0;
    resolved.length = 0;
    if (emulatorPerTest) await startEmu();
    emu?.setFault(undefined);
    emu?.setLatency(0);
    emu?.clearCalls();
  });
  afterEach(async () => {
    const apps = running.splice(0);
    await Promise.all(apps.map((app) => app.close()));
    if (emulatorPerTest) await closeEmu();
  });

  const harness: Harness = {
    get emu() {
      if (!emu) throw new Error('the emulator is only there inside tests');
      return emu;
    },
    errors,
    resolved,
    options(extra = {}) {
      return {
        appAccessToken: AAT,
        endpoint: harness.emu.endpoint,
        resolveUser: resolverFor((req) => driver.header(req, 'x-user'), resolved),
        onError: (error) => {
          errors.push(error);
        },
        ...extra,
      };
    },
    injecting(inject = {}, extra = {}) {
      const injectScript = { scriptSrc: harness.emu.scriptSrc, ...inject };
      return harness.options({ appId: APP_ID, injectScript, ...extra });
    },
    async start(routes, options = harness.options(), more = {}) {
      return harness.track(await driver.start({ options, routes, ...more }));
    },
    track(app) {
      running.push(app);
      return {
        url: app.url,
        close: () => app.close(),
        send: (path, init) => send(app.url, path, init),
      };
    },
  };
  return harness;
}

/** `driver.start` that must fail; an app that starts anyway is closed before failing. */
export async function startFailure(driver: Driver, options: Options): Promise<unknown> {
  let app: RunningApp | undefined;
  try {
    app = await driver.start({ options, routes: [] });
  } catch (error) {
    return error;
  }
  await app.close();
  throw new Error('driver.start resolved, but these options are invalid');
}

/** The codes `onError` got, in order. */
export const codesOf = (errors: readonly PlugSessionError[]): string[] =>
  errors.map((error) => error.code);

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What the echo route answers. */
export interface Echo {
  token: string | null;
  seen: boolean;
}

/** Asks an app's `/echo` route which token the request carried. */
export async function echo(app: App, user?: string): Promise<Echo> {
  const reply = await app.send('/echo', user === undefined ? {} : { user });
  expect(reply.status).toBe(200);
  return reply.json() as Echo;
}
