// plug-session on a plain node:http server, no framework.
// Run: node packages/core/examples/node-http.mjs   (after `pnpm build`)
// With DEVREV_AAT and PLUG_APP_ID set it talks to the real DevRev; otherwise to a local emulator.
import { createServer } from 'node:http';
import { createPlugSession, handleNodeRequest } from '@plug-session/core';
import { startEmulator } from '@plug-session/emulator';

const real = Boolean(process.env.DEVREV_AAT && process.env.PLUG_APP_ID);
const emulator = real ? undefined : await startEmulator();

const plug = createPlugSession({
  appAccessToken: process.env.DEVREV_AAT ?? 'any-aat-works-with-the-emulator',
  appId: process.env.PLUG_APP_ID ?? 'demo-app',
  ...(emulator ? { endpoint: emulator.endpoint } : {}),
  injectScript: emulator ? { scriptSrc: emulator.scriptSrc } : true,
  tokenRoute: '/plug/session',
  // Who is signed in: here, whoever the `?user=` query names; in your app, your session.
  resolveUser: (req) => {
    const user = new URL(req.url ?? '/', 'http://localhost').searchParams.get('user');
    return user ? { user_ref: user, user_traits: { display_name: user } } : null;
  },
});

const server = createServer(async (req, res) => {
  const outcome = await handleNodeRequest(plug, req, res);
  if (outcome.kind === 'answered') return; // the token route answered
  const signedIn = outcome.token ? 'with a session token' : 'anonymously';
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html><body><h1>Hello, ${signedIn}</h1></body></html>`);
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}/?user=alice`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([plug.close(), emulator?.close()]);
  });
}
