import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { pipeLinked } from '../src/node/pipe-linked.js';

/** A source that sends `chunks`, then waits to be told how to finish. */
function openSource(chunks: string[]): Readable {
  const source = new Readable({ read() {} });
  for (const chunk of chunks) source.push(chunk);
  return source;
}

describe('pipeLinked', () => {
  it('passes every byte through and ends, without reporting a failure', async () => {
    const failures: Error[] = [];
    const out = pipeLinked(Readable.from(['<html>', '<body>hi</body>']), new PassThrough(), (e) =>
      failures.push(e),
    );
    expect(await text(out)).toBe('<html><body>hi</body>');
    expect(failures).toEqual([]);
  });

  it("destroys the output with the source's error, and reports it", async () => {
    const failures: Error[] = [];
    const source = openSource(['<html>']);
    const out = pipeLinked(source, new PassThrough(), (e) => failures.push(e));
    const failed = once(out, 'error');
    source.destroy(new Error('the template failed'));
    const [error] = await failed;
    expect((error as Error).message).toBe('the template failed');
    expect(out.destroyed).toBe(true);
    expect(failures.map((e) => e.message)).toEqual(['the template failed']);
  });

  it('fails the output when the source closes before its end', async () => {
    const failures: Error[] = [];
    const source = openSource(['<html>']);
    const out = pipeLinked(source, new PassThrough(), (e) => failures.push(e));
    const failed = once(out, 'error');
    source.destroy();
    const [error] = await failed;
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    expect(failures).toHaveLength(1);
  });

  it('destroys the source when the output closes first (the client went away)', async () => {
    const source = openSource(['<html>']);
    const out = pipeLinked(source, new PassThrough());
    out.destroy();
    await once(source, 'close');
    expect(source.destroyed).toBe(true);
  });

  it('leaves a source that ended alone when the output closes afterwards', async () => {
    const source = Readable.from(['<html></html>'], { autoDestroy: false });
    const out = pipeLinked(source, new PassThrough());
    expect(await text(out)).toBe('<html></html>');
    if (!out.closed) await once(out, 'close');
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.readableEnded).toBe(true);
    expect(source.destroyed).toBe(false);
  });
});
