import type { IncomingMessage } from 'node:http';

/** The most a request body may hold; more is answered with 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** A body read whole, one too large to keep, or one whose sender went away. */
export type BodyResult =
  | { kind: 'complete'; bytes: Buffer }
  | { kind: 'too-large' }
  | { kind: 'aborted' };

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading (the declared
 * `content-length` is checked first, so an honest huge upload is refused before a byte is
 * read), so a huge body is never held in memory.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'complete', bytes: Buffer.concat(chunks, size) });
    const onClose = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    // A client that goes away mid-body makes the request emit 'error' (ECONNRESET).
    req.on('error', onClose);
  });
}
