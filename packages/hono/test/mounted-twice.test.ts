import { mountedTwicePageSuite, pageWith } from '@plug-session/conformance';
import { Hono } from 'hono';
import { plugSession } from '../src/index.js';
import { honoDriver, listen } from './driver.js';

// Hono's ways of mounting a middleware twice on one request: two `app.use`, and one on the
// app with another in a sub-app mounted under a prefix with `app.route`.
mountedTwicePageSuite(honoDriver, [
  {
    how: 'mounted twice with app.use',
    async start(outer, inner) {
      const app = new Hono();
      const mounts = [plugSession(outer), plugSession(inner)];
      for (const mount of mounts) app.use(mount);
      app.get('/page', (c) => c.html(pageWith(c.var.plugSessionToken)));
      return listen(app, ...mounts);
    },
  },
  {
    how: 'mounted on the app and in a sub-app under app.route',
    path: '/sub/page',
    async start(outer, inner) {
      const mounts = [plugSession(outer), plugSession(inner)] as const;
      const sub = new Hono();
      sub.use(mounts[1]);
      sub.get('/page', (c) => c.html(pageWith(c.get('plugSessionToken'))));
      const app = new Hono();
      app.use(mounts[0]);
      app.route('/sub', sub);
      return listen(app, ...mounts);
    },
  },
]);
