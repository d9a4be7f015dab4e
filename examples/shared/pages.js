// The pages of the example apps, as plain template strings. plug-session injects the PLuG
// snippet before </body>; nothing here loads plug.js or mentions its URL (a page that
// already contains the configured scriptSrc is left alone), except the single-page view,
// which plug-session skips: there @plug-session/browser starts the widget.
import { PLUG_BROWSER_DIR } from './assets.js';
import { SAMPLE_USERS } from './users.js';

/** @typedef {import('./users.js').SampleUser} SampleUser */

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * @param {object} page
 * @param {string} page.framework
 * @param {string} page.title
 * @param {SampleUser | undefined} page.user
 * @param {string} page.body trusted markup
 * @param {string} [page.nonce] the response's CSP nonce, for our own script tags
 * @param {string} [page.script] a same-origin module script to load
 * @param {Record<string, string>} [page.imports] an import map for it: bare name → URL
 */
function layout({ framework, title, user, body, nonce, script, imports }) {
  const who = user
    ? `<span>Signed in as <strong>${escapeHtml(user.name)}</strong></span>
      <form method="post" action="/signout"><button class="link" type="submit">Sign out</button></form>`
    : '<span>Anonymous visitor</span> <a class="button small" href="/signin">Sign in</a>';
  const nonceAttribute = nonce ? ` nonce="${escapeHtml(nonce)}"` : '';
  // Inside <script>, only `<` could end the element early: JSON escapes it.
  const importMap = imports
    ? `<script type="importmap"${nonceAttribute}>${JSON.stringify({ imports }).replaceAll('<', '\\u003c')}</script>\n  `
    : '';
  const scriptTag = script
    ? `${importMap}<script type="module" src="${escapeHtml(script)}"${nonceAttribute}></script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · plug-session ${escapeHtml(framework)} example</title>
  <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/app.css">
  ${scriptTag}
</head>
<body>
  <header class="bar">
    <a class="brand" href="/">plug-session <span>${escapeHtml(framework)} example</span></a>
    <nav><a href="/">Home</a><a href="/signin">Sample users</a><a href="/spa">Single-page view</a></nav>
    <div class="who" id="who">${who}</div>
  </header>
  <main>
${body}
  </main>
  <footer>The chat widget in the corner is PLuG; plug-session identifies you to it with a session
    token minted on the server.</footer>
</body>
</html>
`;
}

/** @param {SampleUser} user */
function revInfoBlock(user) {
  return `<pre class="rev-info"><code>${escapeHtml(JSON.stringify(user.revInfo, null, 2))}</code></pre>`;
}

/**
 * The home page: who the app thinks you are, and what the widget should show.
 * @param {{ framework: string, user: SampleUser | undefined }} options
 */
export function homePage({ framework, user }) {
  if (!user) {
    return layout({
      framework,
      title: 'Home',
      user,
      body: `    <section class="hero">
      <h1>Welcome, visitor</h1>
      <p>You are not signed in, so the PLuG widget in the bottom-right corner shows an
        <strong>anonymous</strong> session: plug-session injected the snippet without a session token.</p>
      <p><a class="button" href="/signin">Sign in as a sample user</a>
        <a class="button secondary" href="/spa">Try the single-page view</a></p>
    </section>`,
    });
  }
  const outcome = user.valid
    ? `<p class="note ok">The widget in the corner is <strong>identified</strong> as
        <code>${escapeHtml(user.revInfo.user_ref)}</code>: the server minted a session token for the
        rev_info below and plug-session passed it to <code>plugSDK.init</code>.</p>`
    : `<p class="note bad">plug-session refused this rev_info before calling DevRev, so this page has
        <strong>no widget</strong> (an anonymous one would split this user's conversations in two).
        The server log says what is wrong.</p>`;
  return layout({
    framework,
    title: user.name,
    user,
    body: `    <section class="hero">
      <p class="kind">${escapeHtml(user.kind)}</p>
      <h1>Hello, ${escapeHtml(user.name)}</h1>
      <p>${escapeHtml(user.summary)}</p>
      ${outcome}
      <h2>The rev_info sent to DevRev</h2>
      ${revInfoBlock(user)}
    </section>`,
  });
}

/**
 * The sign-in page: one card per sample user, each a form that signs in as them.
 * @param {{ framework: string, user: SampleUser | undefined }} options
 */
export function signInPage({ framework, user }) {
  const cards = SAMPLE_USERS.map(
    (sample) => `      <article class="card${sample.valid ? '' : ' invalid'}">
        <p class="kind">${escapeHtml(sample.kind)}</p>
        <h2>${escapeHtml(sample.name)}</h2>
        <p>${escapeHtml(sample.summary)}</p>
        ${revInfoBlock(sample)}
        <form method="post" action="/signin">
          <input type="hidden" name="user" value="${escapeHtml(sample.id)}">
          <button type="submit" data-user="${escapeHtml(sample.id)}">Sign in as ${escapeHtml(sample.name.split(' ')[0])}</button>
        </form>
      </article>`,
  ).join('\n');
  return layout({
    framework,
    title: 'Sample users',
    user,
    body: `    <h1>Sample users</h1>
    <p>Each one shows a way DevRev organises the people who chat with you. There are no
      passwords: this is a demo.</p>
    <div class="cards">
${cards}
    </div>`,
  });
}

/**
 * The single-page view. Its script (/assets/spa-view.js) signs in and out with fetch; the
 * widget is @plug-session/browser's: `connectPlug()` starts it, `identify()` switches it
 * after each sign-in or sign-out, without a reload. The app skips plug-session's injection on
 * this page, so the page names plug.js's URL itself, for connectPlug.
 * @param {{ framework: string, user: SampleUser | undefined, nonce: string | undefined, appId: string, scriptSrc: string }} options
 */
export function spaPage({ framework, user, nonce, appId, scriptSrc }) {
  const buttons = SAMPLE_USERS.map(
    (sample) =>
      `<button type="button" class="${sample.valid ? '' : 'danger'}" data-user="${escapeHtml(sample.id)}">${escapeHtml(sample.name)}</button>`,
  ).join('\n        ');
  return layout({
    framework,
    title: 'Single-page view',
    user,
    nonce,
    script: '/assets/spa-view.js',
    imports: { '@plug-session/browser': `${PLUG_BROWSER_DIR}index.js` },
    body: `    <section class="hero" id="spa" data-user="${escapeHtml(user?.id ?? '')}"
      data-plug-app-id="${escapeHtml(appId)}" data-plug-script-src="${escapeHtml(scriptSrc)}">
      <h1>Single-page view</h1>
      <p>Sign in and out without leaving the page. After each change the page calls
        <code>identify()</code> of <code>@plug-session/browser</code>, which asks the token route
        (<code>GET /plug/session</code>) and, when the answer changed, calls
        <code>plugSDK.shutdown()</code> and <code>plugSDK.init()</code> again.</p>
      <p class="status" id="spa-status">${user ? `Signed in as ${escapeHtml(user.name)}` : 'Anonymous visitor'}</p>
      <div class="users" id="spa-users">
        ${buttons}
        <button type="button" class="secondary" id="spa-signout">Sign out</button>
      </div>
      <h2>What happened</h2>
      <ol class="log" id="spa-log"></ol>
    </section>`,
  });
}
