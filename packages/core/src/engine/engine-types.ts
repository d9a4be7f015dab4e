import type { Readable, Transform } from 'node:stream';
import type { PlugSessionError } from '../errors.js';
import type { ResponseFacts } from '../inject/response-facts.js';

/** The outcome of resolving one request. */
export type Resolution =
  /** HEAD, OPTIONS, or `skip` said so: nothing resolved, nothing injected. */
  | { kind: 'skipped' }
  /** `resolveUser` returned `null`/`undefined`. */
  | { kind: 'anonymous' }
  /** A session token for the user. `expiresAt` is the token's own expiry. */
  | { kind: 'identified'; token: string; expiresAt: Date }
  /** The user is known but no token could be had (invalid rev_info, a throwing resolver, DevRev). */
  | { kind: 'failed'; error: PlugSessionError };

/** The resolution of a skipped request (HEAD, OPTIONS, `skip`). */
export const SKIPPED: Resolution = Object.freeze({ kind: 'skipped' });

/** The token a resolution puts on the request: `undefined` unless identified. */
export function tokenOf(resolution: Resolution): string | undefined {
  return resolution.kind === 'identified' ? resolution.token : undefined;
}

/** A stateful byte transformer: push chunks, get bytes out, flush once at the end. */
export interface ByteInjector {
  push(chunk: Uint8Array): Buffer;
  flush(): Buffer;
}

/**
 * The decision to inject into one response, made once its status and headers are known.
 * Header changes happen when a body method is called, never before.
 */
export interface InjectionPlan {
  /**
   * For a body known at once. Returns the new body and fixes the headers (content-length,
   * etag, last-modified, cache-control), or `undefined` when the page is left alone (it
   * already loads plug.js), with headers untouched. A string body (UTF-8) comes back a
   * string, bytes come back as a Buffer.
   */
  injectBody(body: string | Uint8Array): string | Buffer | undefined;
  /**
   * {@link InjectionPlan.injectBody} for bytes, without copying the page: the page's head,
   * the snippet and the page's tail, to be written in that order (a server that writes them in
   * one tick sends them in one `writev`).
   */
  injectBodyParts(body: Uint8Array): readonly [Buffer, Buffer, Buffer] | undefined;
  /** For a streamed body: fixes the headers (content-length removed) and returns the injector. */
  startStream(): ByteInjector;
  /** {@link startStream} as a Node `Transform`. */
  transform(): Transform;
  /**
   * `source` piped through {@link transform}, linked both ways: the source's error (or its
   * early close) destroys the returned stream and is passed to `onFailure`; the returned
   * stream closing first (the client went away) destroys the source.
   */
  injectStream(source: Readable, onFailure?: (error: Error) => void): Transform;
}

/** The token route's answer: 200 with a token or `null`, 503 with the error code. */
export interface TokenRouteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What {@link createPlugSession} returns: the engine every adapter drives. */
export interface PlugSession<Req> {
  /** Whether this engine injects the snippet (`injectScript` was given): adapters hook into responses only then. */
  readonly injects: boolean;
  /** `true` for HEAD, OPTIONS, and whatever `skip` says. */
  shouldSkip(method: string, req: Req): boolean;
  /** `true` when this request is a `GET` of the token route (the path without its query). */
  isTokenRoute(method: string, path: string): boolean;
  /**
   * Resolves the user and gets a token. Never throws or rejects; every failure goes to
   * `onError` once and yields `{ kind: 'failed' }`. Does not look at `skip`. Synchronous
   * when nothing has to be waited for (a synchronous `resolveUser` and a token ready in the
   * in-memory cache: a logged-in user's every page after the first), else a promise; `await`
   * takes both.
   */
  resolve(req: Req): Resolution | Promise<Resolution>;
  /** The token route's response for a resolution. */
  tokenRouteResponse(resolution: Resolution): TokenRouteResponse;
  /**
   * Marks a response as this engine's to inject into. The first mount to claim a response
   * wins, so a middleware mounted twice injects once. `target` is the raw Node response.
   */
  claimInjection(target: object): boolean;
  /**
   * Decides whether to inject into a response, or `undefined` to pass it unchanged
   * (injection off, not injectable, anonymous with `anonymous: false`, failed, skipped).
   */
  planInjection(
    req: Req,
    resolution: Resolution,
    response: ResponseFacts,
  ): InjectionPlan | undefined;
  /** Closes the connection pool and the store. */
  close(): Promise<void>;
}
