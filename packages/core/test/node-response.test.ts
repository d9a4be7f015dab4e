import { createServer, type IncomingHttpHeaders, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { ByteInjector, InjectionPlan } from '../src/inject/injection-plan.js';
import type { ResponseFacts } from '../src/inject/response-facts.js';
import { interceptResponse } from '../src/node/intercept-response.js';

const MARK = '<!--plug-->';
const HTML = 'text/html; charset=utf-8';

/**
 * A stand-in plan that appends MARK, so that the interceptor is tested apart from the real
 * injector. Its stream injector holds back the last 4 bytes of what it saw, as a real one
 * keeps a tail between chunks.
 */
function markingPlan(facts: ResponseFacts, calls: string[]): InjectionPlan {
  return {
    injectBody(body) {
      calls.push('injectBody');
      const text = Buffer.from(body).toString('utf8');
      if (text.includes('plug.js')) return undefined;
      const out = Buffer.concat([Buffer.from(body), Buffer.from(MARK)]);
      facts.headers.set('content-length', String(out.length));
      facts.headers.remove('etag');
      return out;
    },
    injectBodyParts(body) {
      const out = this.injectBody(body);
      if (out === undefined) return undefined;
      const page = Buffer.from(body);
      return [
        page.subarray(0, 3),
        Buffer.from(MARK).subarray(0, 0),
        Buffer.concat([page.subarray(3), Buffer.from(MARK)]),
      ];
    },
    startStream(): ByteInjector {
      calls.push('startStream');
      facts.headers.remove('content-length');
      facts.headers.remove('etag');
      let held = Buffer.alloc(0);
      return {
        push(chunk) {
          const all = Buffer.concat([held, chunk]);
          held = all.subarray(Math.max(0, all.length - 4));
          return all.subarray(0, all.length - held.length);
        },
        flush: () => Buffer.concat([held, Buffer.from(MARK)]),
      };
    },
  };
}

interface Seen {
  facts: Array<{ method: string; status: number; type: unknown }>;
  calls: string[];
  events: string[];
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/**
 * Serves one request with `handler` after wrapping the response; `inject: false` makes the
 * decision "leave it alone". Resolves with the reply and what the interceptor did.
 */
async function serve(
  handler: (res: ServerResponse, seen: Seen) => void,
  decide: 'inject' | 'leave' | 'throw' | 'no interception' = 'inject',
  setUp?: (res: ServerResponse) => void,
): Promise<Reply & Seen> {
  const seen: Seen = { facts: [], calls: [], events: [] };
  const server = createServer((req, res) => {
    res.on('error', (error: NodeJS.ErrnoException) => seen.events.push(`error ${error.code}`));
    setUp?.(res);
    if (decide === 'no interception') return handler(res, seen);
    const method = req.method ?? 'GET';
    interceptResponse(res, (status, headers) => {
      const facts: ResponseFacts = { method, status, headers };
      seen.facts.push({
        method: facts.method,
        status: facts.status,
        type: facts.headers.get('content-type'),
      });
      if (decide === 'throw') throw new Error('decide failed');
      return decide === 'inject' ? markingPlan(facts, seen.calls) : undefined;
    });
    handler(res, seen);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const reply = await new Promise<Reply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
  return { ...reply, ...seen };
}

const page = (text = 'Grüße 世界') => `<html><body>${text}</body></html>`;

describe('interceptResponse on a plain node:http server', () => {
  test('end(string): decides once with the status and headers, and injects with an exact content-length', async () => {
    const reply = await serve((res) => {
      res.statusCode = 201;
      res.setHeader('content-type', HTML);
      res.setHeader('etag', '"abc"');
      res.end(page());
    });
    expect(reply.facts).toEqual([{ method: 'GET', status: 201, type: HTML }]);
    expect(reply.calls).toEqual(['injectBody']);
    expect(reply.body).toBe(page() + MARK);
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
    expect(reply.headers.etag).toBeUndefined();
    expect(reply.headers['transfer-encoding']).toBeUndefined();
  });

  test('end(buffer) and end(string, encoding) take the same fast path', async () => {
    const buffer = await serve((res) => {
      res.setHeader('content-type', HTML);
      res.end(Buffer.from(page()));
    });
    expect(buffer.body).toBe(page() + MARK);
    expect(buffer.headers['content-length']).toBe(String(Buffer.byteLength(buffer.body)));
    const hex = await serve((res) => {
      res.setHeader('content-type', HTML);
      res.end(Buffer.from(page()).toString('hex'), 'hex');
    });
    expect(hex.body).toBe(page() + MARK);
  });

  test('write × n + end() streams every chunk through the injector, content-length removed', async () => {
    const returned: unknown[] = [];
    const reply = await serve((res) => {
      res.setHeader('content-type', HTML);
      res.setHeader('content-length', '9999');
      for (const piece of ['<html><bo', 'dy>Grü', 'ße</bo', 'dy></html>']) {
        returned.push(res.write(piece));
      }
      res.write(Buffer.from('<!-- buf -->'));
      res.write('3c212d2d20686578202d2d3e', 'hex');
      res.end();
    });
    expect(reply.calls).toEqual(['startStream']);
    expect(reply.facts).toHaveLength(1);
    expect(reply.body).toBe(`<html><body>Grüße</body></html><!-- buf --><!-- hex -->${MARK}`);
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    for (const value of returned) expect(typeof value).toBe('boolean');
  });

  test('a chunk the injector holds back entirely still gets a truthful write() result and its callback', async () => {
    const reply = await serve((res, seen) => {
      res.setHeader('content-type', HTML);
      // The stand-in keeps the last 4 bytes: all of this first chunk is held back.
      const result = res.write('<ht', () => {
        seen.events.push('held-back callback');
        res.end('ml></html>');
      });
      seen.events.push(`returned ${String(result)}`);
    });
    expect(reply.body).toBe(`<html></html>${MARK}`);
    expect(reply.events).toEqual(['returned true', 'held-back callback']);
  });

  test('writeHead(status, headers) before the body: the decision sees both; the body is streamed', async () => {
    const reply = await serve((res) => {
      res.writeHead(202, { 'content-type': HTML, 'content-length': String(page().length) });
      res.end(page());
    });
    expect(reply.status).toBe(202);
    expect(reply.facts).toEqual([{ method: 'GET', status: 202, type: HTML }]);
    expect(reply.calls).toEqual(['startStream']);
    expect(reply.body).toBe(page() + MARK);
    expect(reply.headers['content-length']).toBeUndefined();
  });

  test('writeHead(status, reason, raw header array) keeps the reason and every header', async () => {
    const reply = await serve((res) => {
      res.writeHead(200, 'Fine', ['content-type', HTML, 'x-a', '1', 'x-a', '2']);
      res.write(page());
      res.end();
    });
    expect(reply.facts).toEqual([{ method: 'GET', status: 200, type: HTML }]);
    expect(reply.headers['x-a']).toBe('1, 2');
    expect(reply.body).toBe(page() + MARK);
  });

  test('a response the plan leaves alone passes unchanged, body and headers', async () => {
    for (const style of ['end', 'write'] as const) {
      const reply = await serve((res) => {
        res.setHeader('content-type', HTML);
        res.setHeader('content-length', String(Buffer.byteLength(page())));
        res.setHeader('etag', '"abc"');
        if (style === 'end') res.end(page());
        else {
          res.write(page());
          res.end();
        }
      }, 'leave');
      expect(reply.body).toBe(page());
      expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(page())));
      expect(reply.headers.etag).toBe('"abc"');
    }
  });

  test('a decision that throws leaves the response alone', async () => {
    const reply = await serve((res) => {
      res.setHeader('content-type', HTML);
      res.end(page());
    }, 'throw');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(page());
  });

  test('when injectBody declines (the page already loads plug.js) the original is sent with its own length', async () => {
    const original = '<html><body><script src="/plug.js"></script></body></html>';
    const reply = await serve((res) => {
      res.setHeader('content-type', HTML);
      res.setHeader('etag', '"kept"');
      res.end(original);
    });
    expect(reply.calls).toEqual(['injectBody']);
    expect(reply.body).toBe(original);
    expect(reply.headers['content-length']).toBe(String(original.length));
    expect(reply.headers.etag).toBe('"kept"');
  });

  test('callbacks given to write() and end() are called, injected or not', async () => {
    for (const decide of ['inject', 'leave'] as const) {
      const called: string[] = [];
      const reply = await serve((res) => {
        res.setHeader('content-type', HTML);
        res.write('<html>', () => called.push('write'));
        res.write('<body>', 'utf8', () => called.push('write with encoding'));
        res.end('</body></html>', () => called.push('end'));
      }, decide);
      await expect.poll(() => called).toEqual(['write', 'write with encoding', 'end']);
      expect(reply.body).toBe(`<html><body></body></html>${decide === 'inject' ? MARK : ''}`);
    }
    const called: string[] = [];
    await serve((res) => {
      res.setHeader('content-type', HTML);
      res.end(() => called.push('end without a body'));
    });
    await expect.poll(() => called).toEqual(['end without a body']);
  });

  test('a second end() is harmless, and write() after end() fails as it does in Node', async () => {
    let writeError: unknown;
    const reply = await serve((res, seen) => {
      res.setHeader('content-type', HTML);
      res.end(page());
      res.end();
      res.end(() => seen.events.push('second end callback'));
      res.write('late', (error) => {
        writeError = error;
      });
    });
    expect(reply.body).toBe(page() + MARK);
    await expect
      .poll(() => (writeError as NodeJS.ErrnoException | undefined)?.code)
      .toBe('ERR_STREAM_WRITE_AFTER_END');
    await expect.poll(() => reply.events).toContain('second end callback');
    expect(reply.calls).toEqual(['injectBody']);
  });

  test('a second end() after a streamed body does not flush twice', async () => {
    const reply = await serve((res) => {
      res.setHeader('content-type', HTML);
      res.write('<html><body>');
      res.end('</body></html>');
      res.end();
    });
    expect(reply.body).toBe(`<html><body></body></html>${MARK}`);
  });
});

describe('interceptResponse on responses with a framework prototype (as Express gives them)', () => {
  // Express's shape: one prototype under ServerResponse.prototype, shared by every app's.
  const frameworkResponse = Object.create(ServerResponse.prototype) as object;
  const appResponse = Object.create(frameworkResponse) as object;
  const asFramework = (res: ServerResponse) => void Object.setPrototypeOf(res, appResponse);
  const sendPage = (res: ServerResponse) => {
    res.setHeader('content-type', HTML);
    res.end(page());
  };
  const own = (res: ServerResponse) =>
    ['writeHead', 'write', 'end'].map((name) => Object.hasOwn(res, name));

  test('injects through wrappers on the response itself, and leaves every prototype alone', async () => {
    const shared = [ServerResponse.prototype, frameworkResponse, appResponse];
    const before = shared.map((proto) => Reflect.ownKeys(proto).length);
    let wrapped: boolean[] = [];
    const reply = await serve(
      (res) => {
        wrapped = own(res);
        sendPage(res);
      },
      'inject',
      asFramework,
    );
    expect(reply.body).toBe(page() + MARK);
    expect(wrapped).toEqual([true, true, true]);
    expect(shared.map((proto) => Reflect.ownKeys(proto).length)).toEqual(before);
  });

  test('a response of the same framework that is not intercepted passes unchanged', async () => {
    await serve(sendPage, 'inject', asFramework);
    const reply = await serve(
      (res) => {
        res.setHeader('content-type', HTML);
        res.write('<html><body>');
        res.end('hi</body></html>');
      },
      'no interception',
      asFramework,
    );
    expect(reply.body).toBe('<html><body>hi</body></html>');
    expect(reply.calls).toEqual([]);
  });

  test('a page of a sub-app, which gives the response another prototype, is injected', async () => {
    const subAppResponse = Object.create(appResponse) as object;
    const reply = await serve(
      (res) => {
        Object.setPrototypeOf(res, subAppResponse); // the sub-app takes over the response
        sendPage(res);
      },
      'inject',
      asFramework,
    );
    expect(reply.body).toBe(page() + MARK);
  });

  test('a wrapper put on the response first (compression) is called once, with the injected page', async () => {
    let wrapperCalls = 0;
    const reply = await serve(sendPage, 'inject', (res) => {
      asFramework(res);
      // As compression does: it keeps the `end` it found and calls it.
      const found = res.end;
      res.end = function end(this: ServerResponse, ...args: unknown[]) {
        wrapperCalls++;
        return (found as (...rest: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse['end'];
    });
    expect(reply.body).toBe(page() + MARK);
    expect(reply.calls).toEqual(['injectBody']);
    expect(wrapperCalls).toBe(1);
  });

  // As on-headers (express-session, morgan) does: only writeHead, wrapping what it found.
  const wrapWriteHead = (res: ServerResponse, seen: string[]) => {
    const found = res.writeHead;
    res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
      seen.push('wrapper');
      this.setHeader('x-wrapper', 'was here');
      return (found as (...rest: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
  };

  test('a writeHead wrapper (on-headers) put first still runs once: its header counts, the page is injected', async () => {
    for (const explicit of [false, true]) {
      const seen: string[] = [];
      const reply = await serve(
        (res) => {
          if (explicit) res.writeHead(200, { 'content-type': HTML });
          else res.setHeader('content-type', HTML);
          res.end(page());
        },
        'inject',
        (res) => {
          asFramework(res);
          wrapWriteHead(res, seen);
        },
      );
      expect(reply.body).toBe(page() + MARK);
      expect(reply.headers['x-wrapper']).toBe('was here');
      expect(seen).toEqual(['wrapper']);
    }
  });
});
