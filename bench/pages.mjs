// The pages every server sends: a realistic 10 KB HTML document sent as one string, and a
// 2 MiB one streamed in 64 KiB chunks. Both are built once per process, deterministically,
// so that every configuration sends exactly the same bytes.
import { Readable } from 'node:stream';

const WORDS = (
  'session widget support ticket conversation customer account workspace release note ' +
  'dashboard latency invoice feature request roadmap integration webhook export report ' +
  'team member settings billing upgrade onboarding guide article knowledge base search'
).split(' ');

/** Deterministic prose: the same text for the same seed, with the odd multi-byte word. */
function prose(seed, words) {
  const out = [];
  for (let i = 0; i < words; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out.push(i % 97 === 13 ? 'café' : WORDS[seed % WORDS.length]);
  }
  const text = out.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function article(n) {
  return `
    <article class="post" id="post-${n}">
      <header><h2><a href="/blog/${n}">Release notes, part ${n}</a></h2>
        <p class="meta">Posted by <a href="/team/${n % 7}">Team ${n % 7}</a> on
          <time datetime="2025-0${(n % 9) + 1}-1${n % 10}">2025-0${(n % 9) + 1}-1${n % 10}</time></p></header>
      <p>${prose(n, 60)}</p>
      <p>${prose(n + 1000, 45)}</p>
      <ul class="tags"><li><a href="/tag/support">support</a></li><li><a href="/tag/plug">plug</a></li></ul>
    </article>`;
}

const HEAD = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Cloud · Dashboard</title>
  <link rel="stylesheet" href="/static/app.css">
  <link rel="icon" href="/favicon.ico">
  <style>body{font-family:system-ui,sans-serif;margin:0}nav a{margin-right:1rem}.post{border-bottom:1px solid #ddd;padding:1rem 0}</style>
</head>
<body>
  <nav class="top"><a href="/">Home</a><a href="/dashboard">Dashboard</a><a href="/billing">Billing</a>
    <a href="/settings">Settings</a><a href="/docs">Docs</a><a href="/logout">Sign out</a></nav>
  <main>`;

const FOOT = `
  </main>
  <footer><p>&copy; 2025 Acme Cloud, Inc. · <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>
  <script src="/static/app.js" defer></script>
</body>
</html>
`;

/** A whole document of about `bytes` bytes: head, nav, articles, footer, `</body></html>`. */
function documentOf(bytes) {
  const parts = [HEAD];
  let length = Buffer.byteLength(HEAD) + Buffer.byteLength(FOOT);
  for (let n = 1; length < bytes; n++) {
    const next = article(n);
    length += Buffer.byteLength(next);
    parts.push(next);
  }
  parts.push(FOOT);
  return parts.join('');
}

/** The 10 KB page, sent whole as a string. */
export const PAGE_10K = documentOf(10 * 1024);

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
