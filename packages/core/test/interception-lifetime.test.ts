import { once } from 'node:events';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { createInjectionPlan } from '../src/inject/injection-plan.js';
import { interceptResponse } from '../src/node/intercept-response.js';
import { interceptionCount, sweepInterceptions } from '../src/node/response-hooks.js';

// What the interceptor holds for a response must go with the response: a state kept past
// it would hold the request's whole object graph.

const SNIPPET = '<script>plug</script>';
const PAGE = '<html><body>hi</body></html>';
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  sweepInterceptions();
});

/** A server whose responses are intercepted (real plans) and then handled by `handler`. */
async function listen(
  handler: (res: ServerResponse) => void,
  setUp?: (res: ServerResponse) => void,
): Promise<number> {
  const server = createServer((req, res) => {
    setUp?.(res);
    interceptResponse(
      res,
      (facts) =>
        createInjectionPlan({
          snippet: { text: SNIPPET, bytes: Buffer.from(SNIPPET) },
          scriptSrc: '/plug.js',
          identified: false,
          headers: facts.headers,
        }),
      req.method ?? 'GET',
    );
    handler(res);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        body += text;
      });
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

const sendPage = (res: ServerResponse) => {
  res.setHeader('content-type', 'text/html');
  res.end(PAGE);
};

test('a response that ends through the hooks is forgotten at its end, whole or streamed', async () => {
  const whole = await listen(sendPage);
  const streamed = await listen((res) => {
    res.setHeader('content-type', 'text/html');
    res.write(PAGE.slice(0, 9));
    res.end(PAGE.slice(9));
  });
  for (const port of [whole, streamed, whole]) {
    expect(await get(port)).toBe(PAGE.replace('</body>', `${SNIPPET}</body>`));
    expect(interceptionCount()).toBe(0);
  }
});

test('a response that never ends is forgotten by the sweep once its client has gone', async () => {
  let held: ServerResponse | undefined;
  const port = await listen((res) => {
    held = res;
    res.setHeader('content-type', 'text/html');
    res.write('<html>'); // and never ends
  });
  const req = request({ host: '127.0.0.1', port, agent: false });
  req.on('error', () => undefined);
  req.end();
  const [res] = (await once(req, 'response')) as [NodeJS.ReadableStream];
  res.resume();
  expect(interceptionCount()).toBe(1);
  sweepInterceptions();
  expect(interceptionCount()).toBe(1); // still being sent: kept
  req.destroy();
  await once(held as ServerResponse, 'close');
  sweepInterceptions();
  expect(interceptionCount()).toBe(0);
});

test('after the end, calls still go through the wrapper that the own hooks stand in front of', async () => {
  const ends: string[] = [];
  const port = await listen(
    (res) => {
      sendPage(res);
      res.end(); // a second end, harmless
    },
    (res) => {
      // As compression does: a wrapper of end of the response's own, put there first.
      const found = res.end;
      res.end = function end(this: ServerResponse, ...args: unknown[]) {
        ends.push(args.length === 0 ? 'end()' : 'end(page)');
        return (found as (...rest: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse['end'];
    },
  );
  expect(await get(port)).toBe(PAGE.replace('</body>', `${SNIPPET}</body>`));
  expect(ends).toEqual(['end(page)', 'end()']);
  expect(interceptionCount()).toBe(0);
});
