import { mountedTwicePageSuite, pageWith, type TwiceMounted } from '@plug-session/conformance';
import type { RequestHandler } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { plugSession } from '../src/index.js';
import { express4Driver, express5Driver, listen } from './driver.js';

// The two ways Express mounts a middleware twice on one request: an app and a router, an app
// and a sub-app under a path.

const render: RequestHandler = (req, res) => {
  res.type('html').send(pageWith(req.plugSessionToken));
};

const mountings = (express: typeof express4): TwiceMounted[] => [
  {
    how: 'mounted on an app and on a router',
    async start(outer, inner) {
      const app = express();
      app.use(plugSession(outer));
      const router = express.Router();
      router.use(plugSession(inner));
      router.get('/page', render);
      app.use(router);
      return listen(app);
    },
  },
  {
    how: 'mounted on an app and on a sub-app mounted under a path',
    path: '/sub/page',
    async start(outer, inner) {
      const app = express();
      app.use(plugSession(outer));
      const sub = express();
      sub.use(plugSession(inner));
      sub.get('/page', render);
      app.use('/sub', sub);
      return listen(app);
    },
  },
];

mountedTwicePageSuite(express4Driver, mountings(express4));
mountedTwicePageSuite(express5Driver, mountings(express5));
