import { warn } from './warn.js';

/** What the runner runs. Its failures are its own to report; one that escapes is warned of. */
export type Action = () => Promise<void>;

/**
 * Runs actions one at a time. An action asked for while another runs waits for it; several
 * asked for meanwhile merge into one follow-up that runs the last of them, so that a burst of
 * sign-ins ends with one switch to the latest identity rather than a queue of stale ones.
 * Every caller's promise resolves when the run that carried its request out is done.
 */
export function createSerialRunner(): (action: Action) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  let waiting: { action: Action; done: Promise<void> } | undefined;
  return (action) => {
    if (waiting) {
      waiting.action = action;
      return waiting.done;
    }
    const slot = { action, done: tail };
    slot.done = tail
      .then(() => {
        // From here on, a new request waits for this run instead of joining it.
        waiting = undefined;
        return slot.action();
      })
      .catch((error: unknown) => warn('switching the widget failed', error));
    waiting = slot;
    tail = slot.done;
    return slot.done;
  };
}
