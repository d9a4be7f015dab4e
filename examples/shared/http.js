/**
 * Starts a Node HTTP server and resolves once it listens, with its URL and a `close()` that
 * also ends idle keep-alive connections, so that a demo stops at once on Ctrl-C.
 * @param {import('node:http').Server} server
 * @param {number} port 0 picks a free port
 * @param {string} host
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        url: urlOf(server.address(), host),
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * The URL a browser can reach a listening address at.
 * @param {string | import('node:net').AddressInfo | null} address
 * @param {string} host
 */
export function urlOf(address, host) {
  if (typeof address !== 'object' || address === null) throw new Error('not listening on TCP');
  const name =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${address.port}`;
}
