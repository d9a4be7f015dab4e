import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { createEngine, type EngineHooks } from '../engine/create-plug-session.js';
import type { PlugSession } from '../engine/plug-session-types.js';
import type { Runtime } from '../engine/runtime.js';
import {
  createRuntimeTokenSource,
  type TokenSource,
  type TokenSourceOptions,
} from '../engine/token-source.js';
import { webBytes } from '../inject/web-bytes.js';
import type { PlugSessionOptions } from '../options/option-types.js';
import { fetchTransport } from '../upstream/fetch-transport.js';

/**
 * The runtime of the web build (Bun, Deno, Cloudflare Workers, and Node when asked for):
 * the global `fetch`, plain `Uint8Array` bytes, and @noble/hashes' SHA-256, synchronous as
 * the cache's lookups are, and giving the Node build's keys.
 */
export const webRuntime: Runtime = Object.freeze({
  transport: fetchTransport,
  sha256: (text: string) => bytesToHex(sha256(utf8ToBytes(text))),
  bytes: webBytes,
});

/**
 * Creates the engine every adapter drives, on the runtime's `fetch`: validates the options
 * (throwing `PlugSessionOptionsError` naming the option), resolves users to cached session
 * tokens, answers the token route and plans HTML injection. All its state lives on the object
 * it returns, and goes with `close()`.
 *
 * @example
 * const plug = createPlugSession({
 *   appAccessToken: env.DEVREV_AAT,
 *   appId: env.PLUG_APP_ID,
 *   injectScript: true,
 *   resolveUser: (c: Context) => (c.var.user ? { user_ref: c.var.user.id } : null),
 * });
 */
export function createPlugSession<Req>(
  options: PlugSessionOptions<Req>,
  hooks: EngineHooks<Req> = {},
): PlugSession<Req> {
  return createEngine(options, hooks, webRuntime);
}

/**
 * Session tokens for code that has a rev_info but no middleware (a Worker's fetch handler, a
 * Deno or Bun route, a job), on the runtime's `fetch`. Invalid options throw here, naming
 * the option.
 *
 * @example
 * const tokens = createTokenSource({ appAccessToken: env.DEVREV_AAT });
 * const token = await tokens.tokenFor({ user_ref: user.id, user_traits: { email: user.email } });
 * // token?.sessionToken goes to plugSDK.init({ app_id, session_token })
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  return createRuntimeTokenSource(options, webRuntime);
}
