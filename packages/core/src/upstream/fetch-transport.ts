import { type TransportFactory, UpstreamNetworkError } from './transport.js';

/**
 * The transport of runtimes other than Node (Bun, Deno, Cloudflare Workers): the runtime's
 * global `fetch`, whose connection pooling is the runtime's. Redirects are not followed
 * (`redirect: 'manual'`): a 3xx means the endpoint URL is not the token endpoint, and a
 * followed redirect would send the AAT to wherever it points. A rejection that is not the
 * budget's abort becomes an {@link UpstreamNetworkError}, retried like a reset connection.
 *
 * @example
 * const transport = fetchTransport(endpoint, headers, { timeoutMs: 2000, maxBodyBytes: 65536 });
 * const { status, body } = await transport.post('{"rev_info":{}}', signal, 2000);
 */
export const fetchTransport: TransportFactory = (endpoint, headers, options) => {
  const { maxBodyBytes } = options;
  const url = endpoint.href;
  return {
    async post(body, signal) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal,
          redirect: 'manual',
        });
        const answerHeaders = headerRecord(response.headers);
        const bytes = await readLimited(response, maxBodyBytes);
        return { status: response.status, headers: answerHeaders, body: bytes };
      } catch (error) {
        // The budget's own abort: the token client tells a timeout from a close by the budget.
        if (signal.aborted) throw error;
        throw networkFailure(error);
      }
    },
    close: async () => undefined,
  };
};

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  // Names come lowercased from a Headers object; repeated ones are already joined.
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/**
 * The whole body if it is at most `limit` bytes; else `undefined`, with the stream cancelled
 * at once (a declared content-length over the limit is not read at all).
 */
async function readLimited(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const stream = response.body;
  if (Number(response.headers.get('content-length')) > limit) {
    stream?.cancel().catch(() => undefined);
    return undefined;
  }
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

// A host name that does not resolve does not heal within the budget; everything else a
// fetch rejects with (refused, reset, Workers' "Network connection lost", Deno's "error
// sending request") may.
const PERMANENT_CODES = new Set(['ENOTFOUND']);

/**
 * A fetch rejection in the runtime's own words: its message, with its cause's (Node's fetch
 * says "fetch failed" and puts `connect ECONNREFUSED …` in `cause`), and the first `code`.
 */
function networkFailure(error: unknown): UpstreamNetworkError {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = codeOf(error) ?? codeOf(cause) ?? 'ERR_NETWORK';
  const outer = error instanceof Error ? error.message : String(error);
  const inner = cause instanceof Error && cause.message !== outer ? cause.message : '';
  let message = inner ? `${outer}: ${inner}` : outer;
  if (!message.includes(code)) message += ` (${code})`;
  return new UpstreamNetworkError(message, code, !PERMANENT_CODES.has(code));
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
