import type { ByteKit } from '../inject/bytes.js';
import type { Sha256Hex } from '../tokens/cache-key.js';
import type { TransportFactory } from '../upstream/transport.js';

/**
 * What differs between the runtimes core runs on, handed to the engine explicitly (no module
 * state): the Node build passes `nodeRuntime` (undici, Buffer, node:crypto), the web build
 * `webRuntime` (`fetch`, plain Uint8Array, @noble/hashes). Everything else is the same code.
 *
 * @example
 * const engine = createEngine(options, {}, webRuntime);
 */
export interface Runtime {
  /** How the token client reaches DevRev. */
  readonly transport: TransportFactory;
  /** The cache keys' SHA-256 (hex), the same on every runtime. */
  readonly sha256: Sha256Hex;
  /** The byte operations of the HTML injector. */
  readonly bytes: ByteKit;
}
