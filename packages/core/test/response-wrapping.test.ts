import { once } from 'node:events';
import { createServer, request, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { createInjectionPlan } from '../src/inject/injection-plan.js';
import { nodeBytes } from '../src/inject/node-bytes.js';
import { createScriptSrcFinders } from '../src/inject/script-src-search.js';
import { interceptResponse } from '../src/node/intercept-response.js';

// The interceptor wraps the one response it is given, as compression does: nothing shared by
// other responses changes, and nothing (no map, no timer) outlives the response.

const SNIPPET = '<script>plug</script>';
const PAGE = '<html><body>hi</body></html>';
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose responses are intercepted (real plans) and then handled by `handler`. */
async function listen(
  handler: (res: ServerResponse) => void,
  setUp?: (res: ServerResponse) => void,
): Promise<number> {
  const server = createServer((_req, res) => {
    setUp?.(res);
    interceptResponse(res, (_status, headers) =>
      createInjectionPlan({
        snippet: { text: SNIPPET, bytes: Buffer.from(SNIPPET) },
        scriptSrc: createScriptSrcFinders('/plug.js', nodeBytes),
        identified: false,
        headers,
        bytes: nodeBytes,
      }),
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

const ownDescriptors = (target: object) =>
  Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key)]);

test('wraps writeHead, write and end of that one response only, whole or streamed', async () => {
  const before = ownDescriptors(ServerResponse.prototype);
  let wrapped: string[] = [];
  const whole = await listen((res) => {
    wrapped = ['writeHead', 'write', 'end'].filter((name) => Object.hasOwn(res, name));
    sendPage(res);
  });
  const streamed = await listen((res) => {
    res.setHeader('content-type', 'text/html');
    res.write(PAGE.slice(0, 9));
    res.end(PAGE.slice(9));
  });
  for (const port of [whole, streamed, whole]) {
    expect(await get(port)).toBe(PAGE.replace('</body>', `${SNIPPET}</body>`));
  }
  expect(wrapped).toEqual(['writeHead', 'write', 'end']);
  expect(ownDescriptors(ServerResponse.prototype)).toEqual(before);
});

test('a response that never ends starts no timer, and nothing is left once its client has gone', async () => {
  let held: ServerResponse | undefined;
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout');
  const before = timers().length;
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
  expect(timers().length).toBe(before);
  req.destroy();
  await once(held as ServerResponse, 'close');
  expect(timers().length).toBe(before);
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
});
