// The pages every server sends: a realistic 10 KB HTML document sent whole, and a 2 MiB one
// streamed in 64 KiB chunks (a Node stream, or a web stream for Hono). The 10 KB page comes
// in three alphabets, each sent as a string and as a Buffer (`PAGES_10K`); `GET /` sends the
// Latin-1 one as a string. All are built once per process, deterministically, so that every
// configuration sends exactly the same bytes.
import { Readable } from 'node:stream';

const WORDS = (
  'session widget support ticket conversation customer account workspace release note ' +
  'dashboard latency invoice feature request roadmap integration webhook export report ' +
  'team member settings billing upgrade onboarding guide article knowledge base search'
).split(' ');

/**
 * What makes a page's alphabet: the odd word of its prose (one of them, by seed) and the
 * separator of its title and footer. V8 keeps a string whose characters are all ≤ U+00FF in
 * one byte per character, ASCII or not, and any other string in two, and Node's paths for
 * measuring and encoding strings differ between the three cases.
 *   ascii     every character ≤ U+007F
 *   latin1    every character ≤ U+00FF, some above U+007F (`café`, `·`): the page of `GET /`
 *   two-byte  an em dash, curly quotes, a CJK name and an emoji (a surrogate pair)
 */
const ALPHABET_TEXT = {
  ascii: { odd: ['cafe'], dot: '-' },
  latin1: { odd: ['café'], dot: '·' },
  'two-byte': { odd: ['café — “plug”', 'it’s', '山田太郎', 'shipped 🚀'], dot: '—' },
};
export const ALPHABETS = Object.keys(ALPHABET_TEXT);
export const BODY_KINDS = ['string', 'buffer'];

/** Deterministic prose: the same text for the same seed, with the odd multi-byte word. */
function prose(seed, words, odd) {
  const out = [];
  for (let i = 0; i < words; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out.push(i % 97 === 13 ? odd[(seed >>> 16) % odd.length] : WORDS[seed % WORDS.length]);
  }
  const text = out.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function article(n, odd) {
  return `
    <article class="post" id="post-${n}">
      <header><h2><a href="/blog/${n}">Release notes, part ${n}</a></h2>
        <p class="meta">Posted by <a href="/team/${n % 7}">Team ${n % 7}</a> on
          <time datetime="2025-0${(n % 9) + 1}-1${n % 10}">2025-0${(n % 9) + 1}-1${n % 10}</time></p></header>
      <p>${prose(n, 60, odd)}</p>
      <p>${prose(n + 1000, 45, odd)}</p>
      <ul class="tags"><li><a href="/tag/support">support</a></li><li><a href="/tag/plug">plug</a></li></ul>
    </article>`;
}

const head = (dot) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Cloud ${dot} Dashboard</title>
  <link rel="stylesheet" href="/static/app.css">
  <link rel="icon" href="/favicon.ico">
  <style>body{font-family:system-ui,sans-serif;margin:0}nav a{margin-right:1rem}.post{border-bottom:1px solid #ddd;padding:1rem 0}</style>
</head>
<body>
  <nav class="top"><a href="/">Home</a><a href="/dashboard">Dashboard</a><a href="/billing">Billing</a>
    <a href="/settings">Settings</a><a href="/docs">Docs</a><a href="/logout">Sign out</a></nav>
  <main>`;

const foot = (dot) => `
  </main>
  <footer><p>&copy; 2025 Acme Cloud, Inc. ${dot} <a href="/privacy">Privacy</a> ${dot} <a href="/terms">Terms</a></p></footer>
  <script src="/static/app.js" defer></script>
</body>
</html>
`;

/**
 * A whole document of about `bytes` bytes (UTF-8) in `alphabet`: head, nav, articles, footer,
 * `</body></html>`.
 */
function documentOf(bytes, alphabet = 'latin1') {
  const { odd, dot } = ALPHABET_TEXT[alphabet];
  const [start, end] = [head(dot), foot(dot)];
  const parts = [start];
  let length = Buffer.byteLength(start) + Buffer.byteLength(end);
  for (let n = 1; length < bytes; n++) {
    const next = article(n, odd);
    length += Buffer.byteLength(next);
    parts.push(next);
  }
  parts.push(end);
  return parts.join('');
}

/** The route of the 10 KB page in `alphabet`, sent as a `kind` ('string' or 'buffer'). */
export const pagePath = (alphabet, kind) => `/10k/${alphabet}/${kind}`;

/**
 * Every 10 KB page a server sends: `{ path, alphabet, kind, body }`, the body a string or a
 * Buffer of its UTF-8 bytes (one Buffer per page, sent on every request, as an app that
 * keeps a rendered page would).
 */
export const PAGES_10K = ALPHABETS.flatMap((alphabet) => {
  const text = documentOf(10 * 1024, alphabet);
  return BODY_KINDS.map((kind) => ({
    path: pagePath(alphabet, kind),
    alphabet,
    kind,
    body: kind === 'string' ? text : Buffer.from(text),
  }));
});

/** The 10 KB page of `GET /`: Latin-1, sent whole as a string. */
export const PAGE_10K = PAGES_10K.find(({ path }) => path === pagePath('latin1', 'string')).body;

/** The 2 MiB page as bytes, and the size of the chunks it is streamed in. */
export const PAGE_2M = Buffer.from(documentOf(2 * 1024 * 1024));
export const CHUNK = 64 * 1024;

/**
 * A fresh stream of the 2 MiB page in 64 KiB chunks. Chunks are views of one shared buffer,
 * so streaming allocates nothing per chunk and RSS reflects what the server adds.
 */
export function streamPage2M() {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= PAGE_2M.length) return void this.push(null);
      const chunk = PAGE_2M.subarray(offset, offset + CHUNK);
      offset += CHUNK;
      this.push(chunk);
    },
  });
}

/**
 * The same page as a web `ReadableStream` of the same 64 KiB views, for frameworks whose
 * routes answer with a web `Response` (Hono).
 */
export function webStreamPage2M() {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= PAGE_2M.length) return controller.close();
      controller.enqueue(PAGE_2M.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}
