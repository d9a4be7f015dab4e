// The single-page view's client: signs in and out with fetch, then switches the PLuG
// widget's identity without a reload, as DevRev's docs say: shutdown() if initialised,
// then init() with the new session token (or none, for an anonymous visitor).
// A module script, loaded with the page's CSP nonce; no inline code, no innerHTML.

const root = document.getElementById('spa');
const statusLine = document.getElementById('spa-status');
const log = document.getElementById('spa-log');
const buttons = [...document.querySelectorAll('#spa-users button')];

/** { app_id, script_src }: asked once, so the page itself never names plug.js. */
let configPromise;
function plugConfig() {
  configPromise ??= getJson('/api/plug-config').then(({ body }) => body);
  return configPromise;
}

async function getJson(path, init) {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}

function postJson(path, body) {
  return getJson(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
}

function note(text) {
  const item = document.createElement('li');
  item.textContent = text;
  log.append(item);
}

function showUser(user) {
  root.dataset.user = user?.id ?? '';
  statusLine.textContent = user ? `Signed in as ${user.name}` : 'Anonymous visitor';
  const who = document.getElementById('who');
  const span = document.createElement('span');
  span.textContent = statusLine.textContent;
  who?.replaceChildren(span);
}

/**
 * plug.js is normally on the page already (plug-session injected it). It is missing when the
 * page was rendered for a user who could get no token: then load it now.
 */
async function plugSdk() {
  if (window.plugSDK) return window.plugSDK;
  const { script_src: src } = await plugConfig();
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
  return window.plugSDK;
}

/** Asks the token route who we are now and re-initialises the widget accordingly. */
async function switchIdentity() {
  const [{ status, body }, config] = await Promise.all([getJson('/plug/session'), plugConfig()]);
  const sdk = await plugSdk();
  if (sdk.isPlugInitialized) await sdk.shutdown();
  if (status === 503) {
    // A signed-in user without a token gets no widget, never an anonymous one.
    note(`No session token (${body.error}): the widget stays off; the server log says why.`);
    return;
  }
  if (status !== 200) throw new Error(`the token route answered ${status}`);
  if (body.session_token) {
    sdk.init({ app_id: config.app_id, session_token: body.session_token });
    note(`New session token, valid until ${new Date(body.expires_at).toLocaleTimeString()}.`);
  } else {
    sdk.init({ app_id: config.app_id });
    note('No user: the widget is anonymous again.');
  }
}

async function run(action) {
  root.dataset.busy = 'true';
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } catch (error) {
    note(`Something failed: ${error.message}`);
  } finally {
    for (const button of buttons) button.disabled = false;
    delete root.dataset.busy;
  }
}

for (const button of buttons) {
  const id = button.dataset.user;
  button.addEventListener('click', () =>
    run(async () => {
      const { status, body } = id
        ? await postJson('/api/signin', { user: id })
        : await postJson('/api/signout');
      if (status !== 200) throw new Error(body.error ?? `sign-in answered ${status}`);
      showUser(body.user);
      note(body.user ? `Signed in as ${body.user.name}.` : 'Signed out.');
      await switchIdentity();
    }),
  );
}
