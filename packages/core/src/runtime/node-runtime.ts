import { createHash } from 'node:crypto';
import { createEngine, type EngineHooks } from '../engine/create-plug-session.js';
import type { PlugSession } from '../engine/plug-session-types.js';
import type { Runtime } from '../engine/runtime.js';
import {
  createRuntimeTokenSource,
  type TokenSource,
  type TokenSourceOptions,
} from '../engine/token-source.js';
import { nodeBytes } from '../inject/node-bytes.js';
import type { PlugSessionOptions } from '../options/option-types.js';
import { undiciTransport } from '../upstream/undici-transport.js';

/**
 * The Node runtime of the engine: undici's keep-alive Pool, Node's buffers (memchr and
 * Boyer-Moore searches; what Node streams and frameworks take as bytes), node:crypto.
 */
export const nodeRuntime: Runtime = Object.freeze({
  transport: undiciTransport,
  sha256: (text: string) => createHash('sha256').update(text).digest('hex'),
  bytes: nodeBytes,
});

/**
 * Creates the engine every adapter drives: validates the options (throwing
 * `PlugSessionOptionsError` naming the option), resolves users to cached session tokens,
 * answers the token route and plans HTML injection. All its state lives on the object it
 * returns, and goes with `close()`.
 *
 * @example
 * const plug = createPlugSession({
 *   appAccessToken: process.env.DEVREV_AAT!,
 *   appId: process.env.PLUG_APP_ID,
 *   injectScript: true,
 *   resolveUser: (req: IncomingMessage) => (userOf(req) ? { user_ref: userOf(req).id } : null),
 * });
 */
export function createPlugSession<Req>(
  options: PlugSessionOptions<Req>,
  hooks: EngineHooks<Req> = {},
): PlugSession<Req> {
  return createEngine(options, hooks, nodeRuntime);
}

/**
 * Session tokens for code that has a rev_info but no middleware: a Next.js server component
 * or route handler, a NestJS guard, a tRPC procedure, a job. Invalid options throw here,
 * naming the option.
 *
 * @example
 * const tokens = createTokenSource({ appAccessToken: process.env.DEVREV_AAT! });
 * const token = await tokens.tokenFor({ user_ref: user.id, user_traits: { email: user.email } });
 * // token?.sessionToken goes to plugSDK.init({ app_id, session_token })
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  return createRuntimeTokenSource(options, nodeRuntime);
}
