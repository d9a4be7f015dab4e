// The single-page view's own code: buttons that sign in and out with fetch. The PLuG widget
// is @plug-session/browser's job: connectPlug() loads plug.js and starts the widget for
// whoever the token route says is signed in; identify(), called after every sign-in or
// sign-out, switches it without a reload. A module script, loaded with the page's CSP nonce;
// no inline code, no innerHTML.
import { connectPlug } from '@plug-session/browser';

const root = document.getElementById('spa');
const statusLine = document.getElementById('spa-status');
const log = document.getElementById('spa-log');
const buttons = [...document.querySelectorAll('#spa-users button')];

const plug = connectPlug({
  appId: root.dataset.plugAppId,
  scriptSrc: root.dataset.plugScriptSrc,
  // This module's nonce, for plug.js's tag: needed under a policy that allows scripts by
  // nonce only (the examples' policy also allows plug.js's host).
  nonce: document.querySelector('script[type="module"][nonce]')?.nonce,
});

function note(text) {
  const item = document.createElement('li');
  item.textContent = text;
  log.append(item);
}

/** What the widget is doing now that connectPlug has acted on the token route's answer. */
function noteWidget() {
  note(
    window.plugSDK?.isPlugInitialized
      ? 'The widget shows whoever the token route says is signed in.'
      : 'No session token could be had, so no widget (never an anonymous one for a signed-in user): the console and the server log say why.',
  );
}

plug.ready.then(() => {
  noteWidget();
  root.dataset.plugReady = 'true';
});

function showUser(user) {
  root.dataset.user = user?.id ?? '';
  statusLine.textContent = user ? `Signed in as ${user.name}` : 'Anonymous visitor';
  const who = document.getElementById('who');
  const span = document.createElement('span');
  span.textContent = statusLine.textContent;
  who?.replaceChildren(span);
}

async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

/** Signs in as `id` (or out), then tells the widget: the one call an app adds. */
async function switchUser(id) {
  const { status, body } = id
    ? await postJson('/api/signin', { user: id })
    : await postJson('/api/signout');
  if (status !== 200) throw new Error(body.error ?? `sign-in answered ${status}`);
  showUser(body.user);
  note(body.user ? `Signed in as ${body.user.name}.` : 'Signed out.');
  await plug.identify();
  noteWidget();
}

for (const button of buttons) {
  button.addEventListener('click', async () => {
    root.dataset.busy = 'true';
    for (const each of buttons) each.disabled = true;
    try {
      await switchUser(button.dataset.user);
    } catch (error) {
      note(`Something failed: ${error.message}`);
    } finally {
      for (const each of buttons) each.disabled = false;
      delete root.dataset.busy;
    }
  });
}
