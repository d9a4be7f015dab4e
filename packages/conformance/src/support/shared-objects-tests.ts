import { IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import type { Driver, RunningApp } from '../driver.js';
import { APP_ID, type App, type Harness, type Options, useHarness } from './harness.js';
import type { Reply } from './http.js';
import { bytes, PAGE } from './pages.js';
import { type SharedObjects, watchSharedObjects } from './shared-objects.js';
import { expectInjectedOnce } from './snippet.js';

/** The HTML routes of every scope of a test app: `PAGE` sent each way a framework can. */
export const PAGE_PATHS = ['/string', '/buffer', '/chunks', '/stream'] as const;

/** Each page is asked for anonymously and as `alice`. */
const USERS = [undefined, 'alice'] as const;

/** An app that `start` built, watched and started. */
export interface WatchedApp extends RunningApp {
  /**
   * The prototypes of the requests and replies it has served with, for a framework that
   * builds them from classes of its own per scope (Fastify): each must be one it watched.
   */
  servedPrototypes?: ReadonlySet<object>;
}

/** What a framework gives the shared-objects tests. */
export interface SharedObjectsSpec {
  /** The path of every scope serving the pages: the root `''`, a sub-app's `'/sub'`… */
  scopes: readonly string[];
  /** The objects watched, in words: they end the name of the test with plug-session. */
  watched: string;
  /**
   * Starts an app serving, in every scope, `PAGE` at each of `PAGE_PATHS` and
   * `{ "plain": true }` at `/json`; mounts plug-session on its root with `options` (none:
   * the framework alone); and adds to `shared` the framework's objects that its requests and
   * responses share, once mounting is done (it may set prototypes) and before serving.
   */
  start(shared: SharedObjects, options?: Options): Promise<WatchedApp>;
  /** Starts a second app that never mounts plug-session, `PAGE` at `/string`, watched too. */
  startOther(shared: SharedObjects): Promise<RunningApp>;
}

/**
 * Issue 16 and STYLE.md, "What a library may touch": serving a page changes no object that
 * is shared beyond one request or response. Registers, in the calling describe block, a
 * control (the framework alone changes nothing watched) and the test with plug-session, and
 * returns the block's harness for the framework's own tests; every test of the block fails
 * when onError was called.
 */
export function sharedObjectsTests(driver: Driver, spec: SharedObjectsSpec): Harness {
  const h = useHarness(driver);
  afterEach(() => {
    expect(h.errors.splice(0), 'onError calls').toEqual([]);
  });
  const keyOf = (path: string, user: string | undefined) => `${path} as ${user ?? 'anonymous'}`;
  const inScopes = (paths: readonly string[]) =>
    spec.scopes.flatMap((scope) => paths.map((path) => `${scope}${path}`));

  /** Node's own shared objects; `start` adds the framework's. */
  const watchNode = (): SharedObjects => {
    const shared = watchSharedObjects();
    shared.add('http.ServerResponse.prototype', ServerResponse.prototype);
    shared.add('http.OutgoingMessage.prototype', OutgoingMessage.prototype);
    shared.add('http.IncomingMessage.prototype', IncomingMessage.prototype);
    return shared;
  };

  /** Every page and JSON route of every scope, anonymous and identified: what each answered. */
  const serveAll = async (app: App): Promise<Map<string, Reply>> => {
    const replies = new Map<string, Reply>();
    for (const path of inScopes([...PAGE_PATHS, '/json'])) {
      for (const user of USERS) {
        replies.set(keyOf(path, user), await app.send(path, user === undefined ? {} : { user }));
      }
    }
    return replies;
  };

  const expectServedWatched = (app: WatchedApp, shared: SharedObjects) => {
    if (app.servedPrototypes === undefined) return;
    expect(app.servedPrototypes.size).toBeGreaterThan(0);
    expect(
      [...app.servedPrototypes].filter((proto) => !shared.has(proto)),
      'prototypes of served requests and replies that were not watched',
    ).toEqual([]);
  };

  it('the framework alone changes none of the watched objects while serving (the control for the tests below)', async () => {
    const shared = watchNode();
    const started = await spec.start(shared);
    const replies = await serveAll(h.track(started));
    expect(shared.changes()).toEqual([]);
    expect(replies.get('/stream as alice')?.text).toBe(PAGE);
    expectServedWatched(started, shared);
  });

  it(`serving injected and plain pages adds, removes or replaces no property of ${spec.watched}`, async () => {
    const shared = watchNode();
    const started = await spec.start(shared, h.injecting());
    const app = h.track(started);
    // A second app in the same process that never mounts plug-session.
    const other = h.track(await spec.startOther(shared));

    const replies = await serveAll(app);
    const otherReply = await other.send('/string', { user: 'alice' });

    expect(shared.changes(), 'properties changed on shared objects').toEqual([]);
    expectServedWatched(started, shared);
    for (const path of inScopes(PAGE_PATHS)) {
      for (const user of USERS) {
        const key = keyOf(path, user);
        const reply = replies.get(key)!;
        expect(reply.status, key).toBe(200);
        const { arg } = expectInjectedOnce(reply.body, bytes(PAGE), h.emu.scriptSrc, key);
        if (user)
          expect(h.emu.verifyToken(String(arg.session_token))).toMatchObject({ valid: true });
        else expect(arg).toStrictEqual({ app_id: APP_ID });
      }
    }
    for (const user of USERS) {
      const json = replies.get(keyOf('/json', user))!;
      expect(json.header('content-type')).toMatch(/^application\/json/);
      expect(json.json()).toEqual({ plain: true });
    }
    expect(otherReply.text).toBe(PAGE);
  });

  return h;
}
