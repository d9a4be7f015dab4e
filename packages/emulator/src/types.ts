/**
 * The public types of the emulator. They are its own: the emulator stands in for DevRev,
 * so it shares no code or schema with `@plug-session/core` and can catch core's mistakes.
 */

/** Options of {@link startEmulator}. Every one is optional. */
export interface EmulatorOptions {
  /**
   * The port to listen on; `0` picks a free one (read it back from `url`).
   * @default 0
   */
  port?: number;
  /**
   * The interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The only application access token accepted, raw or as `Bearer <aat>`. Without it,
   * any non-empty `authorization` header is accepted (a missing one is still 401).
   */
  appAccessToken?: string;
  /**
   * Lifetime of minted session tokens: `exp - iat` and `expires_in`. Minutes, as DevRev's
   * session tokens usually last, so that refreshing is exercised.
   * @default 300
   */
  tokenTtlSeconds?: number;
  /**
   * Extra latency before every answer of the token endpoints (see `setLatency`).
   * @default 0
   */
  latencyMs?: number;
}

/**
 * How the next call to a token endpoint misbehaves (see `enqueue` and `setFault`). A
 * fault replaces the answer whatever the request holds (authorization and rev_info are
 * not checked), except `delay`, which waits and then answers normally, and a body over
 * 256 KiB, which is always 413.
 */
export type EmulatorFault =
  /**
   * Answers with this status. The body is DevRev's error body for the status unless
   * `body` is given (a string is sent as is, anything else as JSON). With
   * `retryAfterSeconds`, a `Retry-After` header (and for 429, `retry_after` in the body).
   */
  | { type: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  /** Reads the request and never answers; `close()` destroys the socket. */
  | { type: 'hang' }
  /** Destroys the socket (with a TCP reset) without answering. */
  | { type: 'reset' }
  /** 200 with a body that is not JSON, labelled `application/json`. */
  | { type: 'malformed' }
  /** 201 with a JSON body that has no `access_token`. */
  | { type: 'no-token' }
  /** 201 with a JSON body of exactly `bytes` bytes (a valid token plus padding), streamed. */
  | { type: 'oversize'; bytes: number }
  /** 201 with a valid body written one byte per `intervalMs` (default 1000). */
  | { type: 'drip'; intervalMs?: number }
  /** Waits `ms`, then answers normally. */
  | { type: 'delay'; ms: number };

/** One request received by a token endpoint. Never holds the authorization header. */
export interface EmulatorCall {
  /** `/internal/auth-tokens.create` or `/auth-tokens.create`. */
  readonly path: string;
  /** The body's `rev_info` when it was a JSON object (valid or not), else `undefined`. */
  readonly revInfo: Readonly<Record<string, unknown>> | undefined;
  /** The status answered; `undefined` when no answer was sent (`hang`, `reset`). */
  readonly status: number | undefined;
  /** When the request arrived, in epoch milliseconds. */
  readonly at: number;
}

/** Why a session token is not genuine. */
export type TokenRejection = 'malformed' | 'unsupported_algorithm' | 'bad_signature' | 'expired';

/** The claims of a session token minted by the emulator. */
export interface EmulatorTokenClaims {
  /** The `user_ref`. */
  sub: string;
  iss: 'plug-session-emulator';
  account_ref?: string;
  workspace_ref?: string;
  user_traits?: Record<string, unknown>;
  account_traits?: Record<string, unknown>;
  workspace_traits?: Record<string, unknown>;
  /** Issued at, seconds since the Unix epoch. */
  iat: number;
  /** Expiry, seconds since the Unix epoch: `iat + tokenTtlSeconds`. */
  exp: number;
  /** A random id, so two tokens minted in the same second differ. */
  jti: string;
}

/** What `verifyToken` says of a token. */
export type TokenVerification =
  | { valid: true; claims: EmulatorTokenClaims }
  | { valid: false; reason: TokenRejection };

/** One check made by the stand-in plug.js through `POST /plug/verify`. */
export type EmulatorVerification =
  | { readonly valid: true; readonly userRef: string; readonly at: number }
  | { readonly valid: false; readonly reason: TokenRejection | 'missing'; readonly at: number };

/** A running emulator: its addresses, its test controls, and `close()`. */
export interface Emulator {
  /** The base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** `url + '/internal/auth-tokens.create'`: give it to the library as `endpoint`. */
  readonly endpoint: string;
  /** `url + '/static/plug.js'`: give it to the library as `injectScript.scriptSrc`. */
  readonly scriptSrc: string;
  /** Every token-endpoint request received, oldest first. */
  readonly calls: readonly EmulatorCall[];
  /** How many token-endpoint requests arrived (including ones still being answered). */
  readonly callCount: number;
  /** Every `POST /plug/verify` check made by the stand-in plug.js, oldest first. */
  readonly verifications: readonly EmulatorVerification[];
  /** Queues faults: each following token call takes the next one; then normal behaviour. */
  enqueue(...faults: EmulatorFault[]): void;
  /** A fault for every token call until cleared with `undefined`; the queue goes first. */
  setFault(fault: EmulatorFault | undefined): void;
  /** Extra latency before every token-endpoint answer, in milliseconds. */
  setLatency(ms: number): void;
  /** Forgets the recorded calls, `callCount` and verifications. */
  clearCalls(): void;
  /** Checks a session token's signature, issuer and expiry. */
  verifyToken(token: string): TokenVerification;
  /** Stops listening, destroys open sockets (hanging, dripping) and resolves once the port is free. */
  close(): Promise<void>;
}
