import { beforeEach } from 'vitest';
import type { Options } from './harness.js';

/** Which of the two mounts of the adapter on one request a `resolveUser` call came from. */
export type Mount = 'outer' | 'inner';

/** What {@link useMountCalls} gives a describe block. */
export interface MountCalls {
  /** Which mount's resolveUser ran, in order, during the current test. */
  readonly calls: Mount[];
  /**
   * `options` without a cache (so that a second resolution would be a second DevRev call and
   * a second token), with a resolveUser that records the mount calling it.
   */
  counted(mount: Mount, options: Options): Options;
}

/**
 * For the rule "mounted twice, resolved once": registers a `beforeEach` that empties the
 * record, so that each test sees only its own calls.
 */
export function useMountCalls(): MountCalls {
  const calls: Mount[] = [];
  beforeEach(() => {
    calls.length = 0;
  });
  return {
    calls,
    counted(mount, options) {
      const { resolveUser } = options;
      return {
        ...options,
        cache: false,
        resolveUser: (req) => {
          calls.push(mount);
          return resolveUser(req);
        },
      };
    },
  };
}
