import { type Readable, Transform } from 'node:stream';
import type { ByteInjector, InjectionPlan } from '../inject/injection-plan.js';
import { pipeLinked } from './pipe-linked.js';

/**
 * A Node `Transform` around an injector; string chunks are encoded first.
 * @example
 * pipeline(source, createInjectTransform(createHtmlInjector(snippet, src)), res);
 */
export function createInjectTransform(injector: ByteInjector): Transform {
  return new Transform({
    transform(chunk: Buffer | string, encoding, callback) {
      try {
        const bytes =
          typeof chunk === 'string'
            ? Buffer.from(chunk, (encoding as string) === 'buffer' ? 'utf8' : encoding)
            : chunk;
        const out = injector.push(bytes);
        callback(null, out.length > 0 ? out : undefined);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        const out = injector.flush();
        callback(null, out.length > 0 ? out : undefined);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/**
 * `source` piped through the plan's injector, linked both ways: the source's error (or its
 * early close) destroys the returned stream and is passed to `onFailure`; the returned stream
 * closing first (the client went away) destroys the source. Fixes the headers as
 * `plan.startStream()` does.
 * @example
 * ctx.body = injectNodeStream(plan, ctx.body, () => ctx.res.destroy());
 */
export function injectNodeStream(
  plan: InjectionPlan,
  source: Readable,
  onFailure?: (error: Error) => void,
): Transform {
  return pipeLinked(source, createInjectTransform(plan.startStream()), onFailure);
}
