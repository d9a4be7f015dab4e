import type { Runtime } from '../../src/engine/runtime.js';
import { nodeRuntime } from '../../src/runtime/node-runtime.js';
import { webRuntime } from '../../src/runtime/web-runtime.js';

/**
 * Both runtimes of the engine, for `describe.each`: the Node build's (undici's Pool) and the web
 * build's (the global `fetch`), both of which run on Node against servers on 127.0.0.1.
 */
export const runtimes: readonly (readonly [name: string, runtime: Runtime])[] = [
  ['node (undici)', nodeRuntime],
  ['web (fetch)', webRuntime],
];

/** What a token provider takes from a runtime. */
export const providerParts = (runtime: Runtime) => ({
  transport: runtime.transport,
  sha256: runtime.sha256,
});
