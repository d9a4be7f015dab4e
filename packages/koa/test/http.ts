import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent (never decompressed). */
  body: Buffer;
  /** `false` when the connection ended before the whole body arrived. */
  complete: boolean;
}

/**
 * A GET that keeps the bytes as sent (fetch would decompress them) and that resolves, rather
 * than rejects, when the server cuts the response short.
 */
export function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          complete: res.complete,
        });
      };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    req.on('error', reject);
    req.end();
  });
}

/** How many times `needle` occurs in `body`. */
export function count(body: Buffer | string, needle: string): number {
  const text = typeof body === 'string' ? body : body.toString('latin1');
  return text.split(needle).length - 1;
}
