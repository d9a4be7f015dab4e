import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedResources, lastJsonLine, runModule } from './child-process.js';
import { AAT, APP_ID } from './harness.js';
import { type Created, creatingChild, type Served, servingChild } from './no-timers-child.js';

/** One child test: its name, and the framework's part of the child's code for a version. */
export interface ChildTest {
  name: string;
  /** See {@link creatingChild} and {@link servingChild} for what the snippet must do. */
  snippet(version: string): string;
}

/** What a framework gives the no-timers tests. */
export interface NoTimersSpec {
  /** The adapter's package (`new URL('..', import.meta.url)` in its test folder). */
  packageDir: URL;
  /** One describe block each: the names of the framework versions (`express4`, `express5`). */
  versions: readonly string[];
  /** Imports the built adapter and mounts it: no timer or handle, and the process exits. */
  creating: ChildTest;
  /**
   * Serves injected pages, then closes the server and plug-session (`close()`, or the app's
   * own close): no timer of plug-session is pending, and the process exits on its own.
   */
  serving: ChildTest;
}

/**
 * Issue 16 and STYLE.md: no module-level timers, nothing started at import time. Each test
 * runs a child process on the BUILT package (`dist/index.js`), so build before testing.
 */
export function noTimersSuite(spec: NoTimersSpec): void {
  const cwd = fileURLToPath(spec.packageDir);
  const adapterUrl = new URL('dist/index.js', spec.packageDir).href;
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ appAccessToken: AAT });
  });
  afterAll(async () => {
    await emu.close();
  });

  describe.each(spec.versions)('%s', (version) => {
    it(spec.creating.name, async () => {
      const code = creatingChild(adapterUrl, spec.creating.snippet(version));
      const result = await runModule(code, { cwd, timeoutMs: 10_000 });
      expect(result.timedOut, 'the process exits on its own, without close()').toBe(false);
      expect(result.signal).toBeNull();
      expect(result.status, result.stderr).toBe(0);
      const { plugged, bare, timers } = lastJsonLine<Created>(result);
      const started = addedResources(plugged.before, plugged.after);
      if (bare === undefined) {
        expect(started, 'resources started').toEqual([]);
      } else {
        // What the framework starts by itself (Fastify's ready()) is not plug-session's.
        const alone = addedResources(bare.before, bare.after);
        expect(addedResources(alone, started), 'resources started beyond a bare app').toEqual([]);
      }
      expect(timers, 'timers of plug-session still pending').toEqual([]);
    });

    it(spec.serving.name, async () => {
      const config = {
        appAccessToken: AAT,
        endpoint: emu.endpoint,
        appId: APP_ID,
        scriptSrc: emu.scriptSrc,
      };
      const code = servingChild(adapterUrl, config, spec.serving.snippet(version));
      const result = await runModule(code, { cwd, timeoutMs: 10_000 });
      expect(result.timedOut, 'the process exits on its own once closed').toBe(false);
      expect(result.signal).toBeNull();
      expect(result.status, result.stderr).toBe(0);
      const { injected, timers } = lastJsonLine<Served>(result);
      expect(injected, 'both pages were injected').toEqual([true, true]);
      expect(timers, 'timers of plug-session still pending').toEqual([]);
    });
  });
}
