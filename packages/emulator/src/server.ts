import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { EmulatorState } from './emulator-state.js';
import { createFaultQueue } from './fault-queue.js';
import { createJwtSigner } from './jwt.js';
import { checkOptions } from './options.js';
import { PLUG_SCRIPT_PATH } from './plug-script.js';
import { errorBody, sendJson } from './respond.js';
import { route } from './router.js';
import type { Emulator, EmulatorOptions } from './types.js';

/**
 * Starts a local stand-in for DevRev's token endpoint and PLuG's plug.js: a real HTTP
 * server, for development, demos and tests. Resolves once it is listening.
 *
 * @example
 * const emu = await startEmulator({ appAccessToken: 'test-aat' });
 * app.use(plugSession({ appAccessToken: 'test-aat', endpoint: emu.endpoint, resolveUser }));
 * emu.enqueue({ type: 'status', status: 429, retryAfterSeconds: 1 });
 * // …
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { port, host, appAccessToken, tokenTtlSeconds, latencyMs } = checkOptions(options);
  const closing = new AbortController();
  // Every waiting answer listens on this signal; dozens at once are normal, not a leak.
  setMaxListeners(0, closing.signal);
  const state: EmulatorState = {
    appAccessToken,
    tokenTtlSeconds,
    latencyMs,
    faults: createFaultQueue(),
    signer: createJwtSigner(),
    closing: closing.signal,
    calls: [],
    callCount: 0,
    verifications: [],
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    // A client that goes away must never become an uncaught 'error'.
    req.on('error', () => {});
    res.on('error', () => {});
    route(state, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(500));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, port, host);

  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${urlHost(host)}:${boundPort}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    endpoint: `${url}/internal/auth-tokens.create`,
    scriptSrc: `${url}${PLUG_SCRIPT_PATH}`,
    get calls() {
      return state.calls;
    },
    get callCount() {
      return state.callCount;
    },
    get verifications() {
      return state.verifications;
    },
    enqueue: (...faults) => state.faults.enqueue(faults),
    setFault: (fault) => state.faults.setPersistent(fault),
    setLatency(ms) {
      state.latencyMs = checkOptions({ latencyMs: ms }).latencyMs;
    },
    clearCalls() {
      state.calls = [];
      state.callCount = 0;
      state.verifications = [];
    },
    verifyToken: (token) => state.signer.verify(token, Math.floor(Date.now() / 1000)),
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging and dripping answers hold their sockets open; end them now.
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// A URL must name a reachable address: a wildcard bind is reached through loopback.
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
