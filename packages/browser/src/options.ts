/** PLuG's own default: where `plugSDK` is loaded from. */
export const DEFAULT_SCRIPT_SRC = 'https://plug-platform.devrev.ai/static/plug.js';

/** The path plug-session's middleware answers with the visitor's token, by convention. */
export const DEFAULT_TOKEN_ROUTE = '/plug/session';

/**
 * More options for `plugSDK.init`, as DevRev's web SDK documents them. `app_id` and
 * `session_token` are the connection's own: given here, they are ignored.
 */
export interface PlugInitOptions {
  /** `'light'` or `'dark'`. */
  theme?: 'light' | 'dark';
  /** Which corner the launcher sits in. */
  widget_alignment?: 'left' | 'right';
  /** Distance of the launcher from the page's edges, as CSS lengths. */
  spacing?: { bottom?: string; side?: string };
  /** Show PLuG's own launcher button. */
  enable_default_launcher?: boolean;
  /** A CSS selector of your own launcher element. */
  custom_launcher_selector?: string;
  /** Hide the chat window. */
  disable_plug_chat_window?: boolean;
  accent_color?: string;
  primary_text_color?: string;
  enable_session_recording?: boolean;
  session_recording_key?: string;
  session_recording_options?: Record<string, unknown>;
  /** Any other option of `plugSDK.init`, passed on as given. */
  [option: string]: unknown;
}

/** Options of {@link connectPlug}. */
export interface ConnectPlugOptions {
  /** The PLuG unique app id (DevRev: Settings > Support > PLuG Settings). */
  appId: string;
  /**
   * The same-origin path where your server's plug-session middleware answers `GET` with the
   * visitor's token (its `tokenRoute` option). Asked with the page's cookies.
   * @default '/plug/session'
   */
  tokenRoute?: string;
  /**
   * Where plug.js is loaded from. Not loaded at all when the page already has
   * `window.plugSDK` or a `<script>` with this URL.
   * @default 'https://plug-platform.devrev.ai/static/plug.js'
   */
  scriptSrc?: string;
  /**
   * More `plugSDK.init` options (`theme`, `widget_alignment`, …); they cannot override
   * `app_id` or `session_token`.
   * @default {}
   */
  initOptions?: PlugInitOptions;
  /**
   * A CSP nonce for the `<script>` that loads plug.js, when your Content-Security-Policy
   * allows scripts by nonce rather than by plug.js's host.
   * @default undefined (no nonce attribute)
   */
  nonce?: string;
}

/** What {@link connectPlug} returns. None of its promises ever rejects. */
export interface PlugConnection {
  /** Resolves once the first answer of the token route is carried out (widget started or not). */
  readonly ready: Promise<void>;
  /**
   * Asks the token route again; call it after a sign-in, a sign-out or an account switch.
   * When the answer differs from the widget's, shuts the widget down and starts it with the
   * new one (a failed answer leaves no widget). Calls made while one is under way merge
   * into one more run after it. Resolves when that switch is done.
   */
  identify(): Promise<void>;
  /** Shuts the widget down; a later `identify()` starts it again. */
  shutdown(): Promise<void>;
}
