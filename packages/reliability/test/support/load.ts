import { type Reply, send } from '../../../conformance/src/support/http.js';

/** One request to make: who asks (`x-user`, none for an anonymous visitor) and for what. */
export interface Shot {
  path: string;
  user?: string | undefined;
}

/** One request as made: when it started (epoch ms), how long it took, and what came back. */
export interface Sample extends Shot {
  /** `x-req`, unique within the process, so `onError` can name the request it was told about. */
  id: string;
  started: number;
  ms: number;
  reply?: Reply;
  /** Set when no answer came back (a socket error, or nothing within `giveUpMs`). */
  failure?: string;
}

export interface LoadOptions {
  /** How many requests may be in flight at once. */
  concurrency: number;
  /**
   * Spread the requests evenly over this many milliseconds (request `i` does not start before
   * `i / n` of it), rather than sending them as fast as the clients can.
   */
  spreadMs?: number;
  /** A request with no answer after this long counts as failed (it is not cancelled). @default 15000 */
  giveUpMs?: number;
  /** Told of every sample as soon as it is complete. */
  onSample?: (sample: Sample) => void;
}

let nextId = 0;
/** A request id unique within this process. */
export const requestId = (): string => `r${++nextId}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends one request with an `x-req` id and times it, never throwing. */
export async function shoot(baseUrl: string, shot: Shot, giveUpMs = 15_000): Promise<Sample> {
  const id = requestId();
  const started = Date.now();
  const t0 = performance.now();
  const sample: Sample = { ...shot, id, started, ms: 0 };
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${giveUpMs} ms`)), giveUpMs);
  });
  try {
    const init = {
      headers: { 'x-req': id },
      ...(shot.user === undefined ? {} : { user: shot.user }),
    };
    sample.reply = await Promise.race([send(baseUrl, shot.path, init), giveUp]);
  } catch (error) {
    sample.failure = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    sample.ms = performance.now() - t0;
  }
  return sample;
}

/**
 * Sends every shot over real sockets with at most `concurrency` in flight, optionally paced
 * over `spreadMs`, and resolves with every sample once all have answered (or given up).
 */
export async function runLoad(
  baseUrl: string,
  shots: readonly Shot[],
  options: LoadOptions,
): Promise<Sample[]> {
  const { concurrency, spreadMs = 0, giveUpMs = 15_000, onSample } = options;
  const samples: Sample[] = [];
  const t0 = performance.now();
  let next = 0;
  const client = async () => {
    while (next < shots.length) {
      const index = next++;
      const due = t0 + (spreadMs * index) / shots.length;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const sample = await shoot(baseUrl, shots[index]!, giveUpMs);
      samples.push(sample);
      onSample?.(sample);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, shots.length) }, client));
  return samples;
}

/** Deterministic shuffling (a seeded LCG), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed = 1): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The largest value, or 0 for none. */
export const maxOf = (values: Iterable<number>): number => {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
};

/** The p-th percentile (0–100) of some values, or 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
