/**
 * What one POST to the token endpoint came back with. `body` is `undefined` when it was over
 * the size limit (declared or actual): the rest of it was never read, and the stream was
 * cancelled.
 */
export interface UpstreamAnswer {
  status: number;
  /** Header names in lowercase. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | undefined;
}

/**
 * How the token client reaches the endpoint: undici's keep-alive Pool on Node, the runtime's
 * global `fetch` elsewhere. A transport only carries bytes; the time budget, retries,
 * `Retry-After`, the breaker and the errors are the token client's, written once for both.
 */
export interface UpstreamTransport {
  /**
   * POSTs `body` and reads the whole answer. Rejects when no answer could be read: `signal`
   * aborted (the budget ran out or the owner closed), or the connection failed (an
   * {@link UpstreamNetworkError}, or a Node/undici error with its `code`). `timeoutMs` is
   * what is left of the budget, for a transport that times the headers and body itself.
   */
  post(body: string, signal: AbortSignal, timeoutMs: number): Promise<UpstreamAnswer>;
  /** Lets go of connections once the calls in flight have ended. */
  close(): Promise<void>;
}

/** Options every transport gets from the token client. */
export interface TransportOptions {
  /** The whole budget of one mint, in milliseconds (a connect timeout may use it). */
  timeoutMs: number;
  /** A larger body is not read: the answer's `body` is `undefined`. */
  maxBodyBytes: number;
}

/** Makes the transport of one token client, for `endpoint` with these request headers. */
export type TransportFactory = (
  endpoint: URL,
  headers: Record<string, string>,
  options: TransportOptions,
) => UpstreamTransport;

/**
 * The request got no answer: refused, reset, lost, or a host name that did not resolve.
 * `transient`: another attempt within the budget may succeed. The message and `code` are
 * the runtime's own words; the original error is never kept (it can hold the request, and
 * so the AAT).
 */
export class UpstreamNetworkError extends Error {
  override readonly name = 'UpstreamNetworkError';
  readonly code: string;
  readonly transient: boolean;

  constructor(message: string, code: string, transient: boolean) {
    super(message);
    this.code = code;
    this.transient = transient;
  }
}
