import { finished, type Readable, type Writable } from 'node:stream';

/**
 * `source.pipe(into)`, linked both ways as `stream.pipeline` links them: a source that fails
 * or closes before its end destroys `into` with that error (and `onFailure` hears of it), and
 * `into` closing first (the client went away) destroys the source. Not `pipeline` itself:
 * Node 20's aborts an `AbortController` at the end of every run, and the `DOMException` that
 * makes captures a stack on every streamed page (the measurement: bench/HISTORY.md).
 */
export function pipeLinked<T extends Writable>(
  source: Readable,
  into: T,
  onFailure?: (error: Error) => void,
): T {
  finished(source, (error) => {
    if (!error) return;
    into.destroy(error);
    onFailure?.(error);
  });
  into.once('close', () => {
    if (!source.destroyed && !source.readableEnded) source.destroy();
  });
  source.pipe(into);
  return into;
}
