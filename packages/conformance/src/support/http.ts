import { Agent, request } from 'undici';

/** What a test app answered: the status, every header, and the raw body bytes. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body decoded as UTF-8. */
  text: string;
  /** One header as a string (several values joined with `, `), or `undefined`. */
  header(name: string): string | undefined;
  /** The body parsed as JSON. */
  json(): unknown;
}

export interface SendInit {
  method?: 'GET' | 'HEAD' | 'POST' | 'OPTIONS';
  /** The `x-user` header: which entry of the users table `resolveUser` returns. */
  user?: string;
  headers?: Record<string, string>;
  body?: string;
}

// One agent for the whole suite; undici never decodes content-encoding, so gzip bytes come
// back as they were sent.
const agent = new Agent({ keepAliveTimeout: 1000, keepAliveMaxTimeout: 1000 });

/** Sends one request over a real socket to a test app and reads the whole answer. */
export async function send(baseUrl: string, path: string, init: SendInit = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.user !== undefined) headers['x-user'] = init.user;
  const response = await request(new URL(path, baseUrl), {
    dispatcher: agent,
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  const body = Buffer.concat(chunks);
  const all = response.headers;
  return {
    status: response.statusCode,
    headers: all,
    body,
    text: body.toString('utf8'),
    header(name) {
      const value = all[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

/** Everything about a reply as text, to search it for a secret. */
export function dumpReply(reply: Reply): string {
  return `${reply.status}\n${JSON.stringify(reply.headers)}\n${reply.body.toString('latin1')}`;
}
