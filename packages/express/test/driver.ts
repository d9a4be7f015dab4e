import { createServer, IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Driver, RouteSpec, RunningApp, StartOptions } from '@plug-session/conformance';
import type { Express, Request, Response, Router } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { plugSession } from '../src/index.js';

/** One Express version: an app, and a router of the same version. */
interface Flavour {
  createApp: () => Express;
  createRouter: () => Router;
}

const toBuffer = (chunk: string | Uint8Array): Buffer =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);

/** Sends a route's body the way its style says, with Express's own API. */
function answer(route: RouteSpec, req: Request, res: Response): void {
  res.status(route.status ?? 200);
  for (const [name, value] of Object.entries(route.headers ?? {})) res.setHeader(name, value);
  if (route.echoToken) {
    res.json({
      token: req.plugSessionToken ?? null,
      // An accessor on Express's shared request prototype, not a property of the request.
      seen: 'plugSessionToken' in req,
    });
    return;
  }
  const whole = Buffer.concat(route.chunks.map(toBuffer));
  switch (route.style) {
    case 'string':
      res.send(whole.toString('utf8'));
      return;
    case 'buffer':
      res.send(whole);
      return;
    case 'chunks':
      for (const chunk of route.chunks) res.write(chunk);
      res.end();
      return;
    case 'stream':
      Readable.from(route.chunks.map(toBuffer)).pipe(res);
      return;
  }
}

/** Listens on 127.0.0.1:0 and resolves once the port is known. */
export async function listen(handler: Express): Promise<RunningApp & { server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function driverFor(name: string, { createApp, createRouter }: Flavour): Driver {
  return {
    name,
    async start({ options, routes, innerMount, forgedToken }: StartOptions) {
      const app = createApp();
      if (forgedToken !== undefined) {
        app.use((req, _res, next) => {
          req.plugSessionToken = forgedToken;
          next();
        });
      }
      app.use(plugSession(options));
      // Mounted twice as "an app and a router": the second mount sits in a router that
      // holds the routes.
      const scope = innerMount ? createRouter() : app;
      if (innerMount) scope.use(plugSession(innerMount));
      for (const route of routes) {
        const handler = (req: Request, res: Response) => answer(route, req, res);
        if (route.method === 'POST') scope.post(route.path, handler);
        else scope.get(route.path, handler);
      }
      if (scope !== app) app.use(scope);
      const { url, close } = await listen(app);
      return { url, close };
    },
    header(req, name) {
      if (!(req instanceof IncomingMessage)) return undefined;
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

export const express4Driver: Driver = driverFor('express4', {
  createApp: () => express4(),
  createRouter: () => express4.Router(),
});
export const express5Driver: Driver = driverFor('express5', {
  createApp: () => express5(),
  createRouter: () => express5.Router(),
});
