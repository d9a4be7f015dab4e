/** A response body as undici hands it over: async-iterable bytes that can be destroyed. */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * Reads a whole body of at most `limit` bytes. A larger one (declared or actual) is
 * destroyed at once and yields `undefined`, so that a runaway or hostile endpoint cannot
 * make us buffer without bound. A body read to its end lets undici reuse the socket.
 */
export async function readLimited(
  body: BodyStream,
  contentLength: unknown,
  limit: number,
): Promise<Buffer | undefined> {
  if (typeof contentLength === 'string' && Number(contentLength) > limit) {
    body.destroy();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
