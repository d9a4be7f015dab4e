import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { PAGE, send, snippetIn, tokenIn, useSetup } from './support.js';

const s = useSetup();
const alice = { headers: { 'x-user': 'alice' } };

describe('a sub-app mounted under a prefix', () => {
  test('answers a token route given as the full path, from a sub-app under app.route', async () => {
    const sub = new Hono();
    sub.use(s.plugSession({ tokenRoute: '/sub/plug/session' }));
    sub.get('/page', (c) => c.html(PAGE));
    const app = new Hono();
    app.route('/sub', sub);
    const url = await s.serve(app);
    const reply = await send(`${url}/sub/plug/session`, alice);
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.text) as { session_token: string };
    expect(s.emulator.verifyToken(answer.session_token)).toMatchObject({
      claims: { sub: 'alice' },
    });
    snippetIn((await send(`${url}/sub/page`, alice)).body, PAGE, s.emulator.scriptSrc);
  });

  test('does not answer a token route given relative to the sub-app', async () => {
    const sub = new Hono();
    sub.use(s.plugSession({ tokenRoute: '/plug/session' }));
    sub.get('/plug/session', (c) => c.text('the sub-app’s own route'));
    const app = new Hono();
    app.route('/sub', sub);
    const url = await s.serve(app);
    const reply = await send(`${url}/sub/plug/session`, alice);
    expect([reply.status, reply.text]).toEqual([200, 'the sub-app’s own route']);
  });

  test('answers a token route under basePath at the full path', async () => {
    const app = new Hono().basePath('/app');
    app.use(s.plugSession({ tokenRoute: '/app/plug/session' }));
    const url = await s.serve(app);
    const answer = JSON.parse((await send(`${url}/app/plug/session`)).text);
    expect(answer).toEqual({ session_token: null });
  });

  test('mounted on the app and in a sub-app: one resolveUser call, one DevRev call, one snippet', async () => {
    const calls: string[] = [];
    const counted = (mount: string) =>
      s.plugSession({
        cache: false,
        resolveUser: (c) => {
          calls.push(mount);
          return { user_ref: c.req.header('x-user') ?? 'nobody' };
        },
      });
    const tokens: Array<string | undefined> = [];
    const sub = new Hono();
    sub.use(counted('inner'));
    sub.get('/page', (c) => {
      tokens.push(c.var.plugSessionToken);
      return c.html(PAGE);
    });
    const app = new Hono();
    app.use(counted('outer'));
    app.route('/sub', sub);
    const url = await s.serve(app);
    const reply = await send(`${url}/sub/page`, alice);
    const token = tokenIn(snippetIn(reply.body, PAGE, s.emulator.scriptSrc));
    expect(calls).toEqual(['outer']);
    expect(s.emulator.callCount).toBe(1);
    expect(tokens).toEqual([token]);
  });
});
