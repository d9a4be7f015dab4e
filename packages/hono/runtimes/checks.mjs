// What the runtime check asks of the app on each runtime, against the emulator as DevRev.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TOKEN_ROUTE } from './app-config.mjs';
import { PAGE } from './page.mjs';

// Guards against a request that never ends; the checks themselves assert no duration.
const REQUEST_GUARD_MS = 60_000;

/** The snippet in an HTML page and the `plugSDK.init` argument it carries, or undefined. */
function snippetIn(body, scriptSrc) {
  const tag = `<script src="${scriptSrc}"></script>`;
  const start = body.indexOf(tag);
  if (start === -1) return undefined;
  const init = /^<script>window\.plugSDK\.init\((\{[^<]*\})\);<\/script>/.exec(
    body.slice(start + tag.length),
  );
  assert.ok(
    init,
    `the script tag is followed by the init script: ${body.slice(start, start + 300)}`,
  );
  return { text: tag + init[0], init: JSON.parse(init[1]) };
}

/** GETs on the app, every answer kept (status, headers, body) to search for the AAT. */
function appClient(url) {
  let transcript = '';
  async function get(path, user) {
    const response = await fetch(new URL(path, url), {
      headers: user ? { 'x-user': user } : {},
      signal: AbortSignal.timeout(REQUEST_GUARD_MS),
    });
    const body = await response.text();
    transcript += `${response.status} ${path}\n${[...response.headers].join('\n')}\n\n${body}\n`;
    return { status: response.status, headers: response.headers, body };
  }
  /** The token route's JSON, with the headers every answer of it carries. */
  async function tokenRoute(user) {
    const answer = await get(TOKEN_ROUTE, user);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(answer.headers.get('cache-control') ?? '', /\bno-store\b/);
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    return { status: answer.status, json: JSON.parse(answer.body) };
  }
  return { get, tokenRoute, transcript: () => transcript };
}

/**
 * Runs the checks of the app's pages and token route, DevRev failing included, against the
 * app at `ctx.url`; throws on the first that fails.
 * @param {object} ctx
 * @param {string} ctx.url the app's origin
 * @param {import('@plug-session/emulator').Emulator} ctx.emulator DevRev's stand-in
 * @param {string} ctx.scriptSrc where the app loads plug.js from
 * @param {string} ctx.appId the app id it gives plugSDK.init
 * @param {number} ctx.timeoutMs the app's time budget per token
 * @param {RegExp} ctx.userAgent what the runtime calls itself
 * @param {(name: string) => void} ctx.passed told of each check that passed
 * @returns {Promise<string>} every response seen, to search for the AAT
 */
export async function checkApp(ctx) {
  const { emulator, scriptSrc, appId, passed } = ctx;
  const { get, tokenRoute, transcript } = appClient(ctx.url);

  /** An injected page: the original page with the snippet right before `</body>`, once. */
  function injected(page, whose) {
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const snippet = snippetIn(page.body, scriptSrc);
    assert.ok(snippet, `${whose} page carries the snippet`);
    assert.equal(page.body, PAGE.replace('</body>', `${snippet.text}</body>`));
    const length = page.headers.get('content-length');
    if (length !== null) assert.equal(Number(length), new TextEncoder().encode(page.body).length);
    assert.equal(snippet.init.app_id, appId);
    return snippet.init;
  }

  /** The user's token from their page, checked with the emulator that minted it. */
  async function identifiedPage(path, user) {
    const page = await get(path, user);
    const init = injected(page, `${user}'s`);
    assert.equal(typeof init.session_token, 'string', `${user}'s page has a session_token`);
    const verdict = emulator.verifyToken(init.session_token);
    assert.ok(verdict.valid, `the emulator minted ${user}'s token`);
    assert.equal(verdict.claims.sub, user);
    const cacheControl = page.headers.get('cache-control') ?? '';
    assert.match(cacheControl, /\bprivate\b/);
    assert.match(cacheControl, /\bno-store\b/);
    return { token: init.session_token, claims: verdict.claims, body: page.body };
  }

  /** A page left whole: the original bytes, no snippet. */
  async function wholePage(path, user) {
    const page = await get(path, user);
    assert.equal(page.status, 200);
    assert.equal(page.body, PAGE);
  }

  const runtime = await get('/runtime');
  assert.match(runtime.body, ctx.userAgent);
  assert.equal(snippetIn(runtime.body, scriptSrc), undefined);
  passed(`the app runs on ${runtime.body}; its text/plain response is not injected`);

  const anonymous = injected(await get('/'), 'the anonymous');
  assert.equal('session_token' in anonymous, false);
  passed('an anonymous page gets the snippet without session_token');

  assert.deepEqual(await tokenRoute(undefined), { status: 200, json: { session_token: null } });
  passed('the token route answers an anonymous visitor {"session_token":null}, no-store');

  const alice = await identifiedPage('/', 'alice');
  passed("alice's page carries alice's token (verified by the emulator), private, no-store");

  const route = await tokenRoute('alice');
  assert.equal(route.status, 200);
  assert.equal(route.json.session_token, alice.token);
  assert.equal(Date.parse(route.json.expires_at), alice.claims.exp * 1000);
  passed('the token route gives alice the same token and its expiry, no-store, nosniff');

  assert.equal((await identifiedPage('/stream', 'alice')).body, alice.body);
  passed("alice's streamed page, </body> split across chunks, gets the same snippet");

  const bob = await identifiedPage('/', 'bob');
  assert.notEqual(bob.token, alice.token);
  passed("bob's page carries bob's own token");

  const aliceCalls = emulator.calls.filter((call) => call.revInfo?.user_ref === 'alice');
  assert.equal(aliceCalls.length, 1);
  passed("alice's token was minted once and then served from the cache");

  // Slower than the whole time budget: the transport must give up and the page go out whole.
  emulator.setLatency(ctx.timeoutMs * 3);
  await wholePage('/', 'carol');
  assert.deepEqual(await tokenRoute('carol'), { status: 503, json: { error: 'TIMEOUT' } });
  emulator.setLatency(0);
  passed('DevRev slower than the time budget: the page is whole, the route says TIMEOUT');

  emulator.setFault({ type: 'status', status: 503 });
  await wholePage('/', 'dave');
  await wholePage('/stream', 'dave');
  assert.deepEqual(await tokenRoute('dave'), {
    status: 503,
    json: { error: 'UPSTREAM_UNAVAILABLE' },
  });
  emulator.setFault(undefined);
  passed('DevRev answering 503: pages, sent at once and streamed, are whole; the route says so');

  return transcript();
}

/**
 * A token refreshed ahead of its expiry, in the background of the request that found it
 * ageing, must serve later requests: on Workers such work outlives its request only through
 * `waitUntil`. Needs an emulator whose tokens last a few seconds. Nothing here depends on
 * speed: on a slow machine the second request may come after the refresh window, and then
 * the third simply gets a freshly minted token.
 * @param {{ url: string, emulator: import('@plug-session/emulator').Emulator, passed: (name: string) => void }} ctx
 * @returns {Promise<string>} every response seen, to search for the AAT
 */
export async function checkRefreshAhead({ url, emulator, passed }) {
  const { tokenRoute, transcript } = appClient(url);
  const first = await tokenRoute('erin');
  assert.equal(first.status, 200);
  const { claims } = emulator.verifyToken(first.json.session_token);
  const lifetimeMs = (claims.exp - claims.iat) * 1000;
  // Past 80 % of the lifetime, before its last tenth: the cached token is served, and renewed.
  await sleep(Math.max(0, claims.iat * 1000 + 0.86 * lifetimeMs - Date.now()));
  assert.equal((await tokenRoute('erin')).status, 200);
  await sleep(Math.max(0, claims.exp * 1000 + 300 - Date.now()));
  const later = await tokenRoute('erin');
  assert.equal(later.status, 200, `a token after the first expired: ${JSON.stringify(later.json)}`);
  assert.notEqual(later.json.session_token, first.json.session_token);
  assert.ok(emulator.verifyToken(later.json.session_token).valid);
  // Two mints: the first token and its renewal. A third means the renewal was lost with the
  // request that started it, and the visitor waited for a new one.
  const mints = emulator.calls.filter((call) => call.revInfo?.user_ref === 'erin').length;
  assert.equal(mints, 2, 'the token renewed in the background reaches the requests after it');
  passed('the token renewed ahead of its expiry, after the response, serves the next requests');
  return transcript();
}
