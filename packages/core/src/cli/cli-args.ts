import { parseArgs } from 'node:util';

/** What `plug-session mint …` was asked to do, before any file or environment is read. */
export interface MintCommand {
  kind: 'mint';
  /** rev_info fields given as flags; they override the `--rev-info` file's. */
  flags: {
    userRef?: string;
    accountRef?: string;
    workspaceRef?: string;
    email?: string;
    displayName?: string;
    phones: string[];
    accountName?: string;
    domains: string[];
    workspaceName?: string;
  };
  /** A JSON file holding a rev_info, or `-` for standard input. */
  revInfoFile?: string;
  endpoint?: string;
  /** The name of the environment variable holding the AAT. */
  aatEnv: string;
  timeoutMs: number;
  json: boolean;
}

export type CliCommand = MintCommand | { kind: 'help' } | { kind: 'usage-error'; message: string };

const DEFAULT_AAT_ENV = 'DEVREV_AAT';
const DEFAULT_CLI_TIMEOUT_MS = 10_000;

const OPTIONS = {
  'user-ref': { type: 'string' },
  'account-ref': { type: 'string' },
  'workspace-ref': { type: 'string' },
  email: { type: 'string' },
  'display-name': { type: 'string' },
  phone: { type: 'string', multiple: true },
  'account-name': { type: 'string' },
  domain: { type: 'string', multiple: true },
  'workspace-name': { type: 'string' },
  'rev-info': { type: 'string' },
  endpoint: { type: 'string' },
  'aat-env': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// Flags that would put the secret itself on the command line, and so in shell history.
const SECRET_FLAGS = new Set(['--aat', '--app-access-token', '--token']);

const usage = (message: string): CliCommand => ({ kind: 'usage-error', message });

/**
 * Reads the command line. Never echoes an argument it refuses: a mistyped flag may hold a
 * secret (`--aat=…`), so only flag names are quoted back.
 */
export function parseCli(argv: readonly string[]): CliCommand {
  for (const arg of argv) {
    const name = arg.startsWith('--') ? arg.split('=', 1)[0]! : undefined;
    if (name && SECRET_FLAGS.has(name)) {
      return usage(
        `${name} is not accepted: a secret on the command line is kept in your shell history and shown by ps. Put the AAT in an environment variable and name it with --aat-env (default ${DEFAULT_AAT_ENV}).`,
      );
    }
    if (name && !(name.slice(2) in OPTIONS)) return usage(`unknown option ${name}`);
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    return usage(
      code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
        ? 'an option is missing its value'
        : 'the arguments could not be read',
    );
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (positionals.length === 0) return usage('say what to do: plug-session mint …');
  if (positionals[0] !== 'mint') return usage('the only command is mint');
  if (positionals.length > 1) {
    // Not shown: it may be a secret pasted in the wrong place.
    return usage(`mint takes no other arguments (${positionals.length - 1} given, not shown)`);
  }
  if (values['user-ref'] === undefined && values['rev-info'] === undefined) {
    return usage('give --user-ref, or a rev_info with --rev-info FILE (or - for stdin)');
  }
  const timeoutMs = values.timeout === undefined ? DEFAULT_CLI_TIMEOUT_MS : Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return usage('--timeout must be a positive number of milliseconds');
  }
  const aatEnv = values['aat-env'] ?? DEFAULT_AAT_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(aatEnv)) {
    return usage('--aat-env takes the name of an environment variable, such as DEVREV_AAT');
  }
  return {
    kind: 'mint',
    flags: {
      userRef: values['user-ref'],
      accountRef: values['account-ref'],
      workspaceRef: values['workspace-ref'],
      email: values.email,
      displayName: values['display-name'],
      phones: values.phone ?? [],
      accountName: values['account-name'],
      domains: values.domain ?? [],
      workspaceName: values['workspace-name'],
    },
    revInfoFile: values['rev-info'],
    endpoint: values.endpoint,
    aatEnv,
    timeoutMs,
    json: values.json === true,
  };
}

export const HELP = `plug-session mint: mint a PLuG session token for a user, as your server would.

Usage:
  DEVREV_AAT=… plug-session mint --user-ref alice [options]
  plug-session mint --rev-info rev-info.json [options]
  echo '{"user_ref":"alice"}' | plug-session mint --rev-info - [options]

The user (flags override the --rev-info file's fields):
  --user-ref REF          the user's id in your system (required without --rev-info)
  --account-ref REF       the user's account (B2B company)
  --workspace-ref REF     a workspace under that account
  --email ADDRESS         user_traits.email
  --display-name NAME     user_traits.display_name
  --phone +E164           user_traits.phone_numbers (repeatable)
  --account-name NAME     account_traits.display_name
  --domain HOST           account_traits.domains (repeatable), a bare host like acme.com
  --workspace-name NAME   workspace_traits.display_name
  --rev-info FILE|-       a whole rev_info as JSON, from a file or standard input

DevRev:
  --endpoint URL          the token endpoint (default: $DEVREV_ENDPOINT, else
                          https://api.devrev.ai/internal/auth-tokens.create)
  --aat-env NAME          the environment variable that holds the application access
                          token (default: ${DEFAULT_AAT_ENV})
  --timeout MS            the time budget, retries included (default: ${DEFAULT_CLI_TIMEOUT_MS})

Output:
  --json                  print one JSON object instead of text
  -h, --help              this help

Why no --aat flag: a secret typed on the command line stays in your shell history and is
visible to other users in ps. Keep it in the environment instead, without echoing it:
  read -rs DEVREV_AAT && export DEVREV_AAT
The AAT is never printed, whatever happens.

The rev_info is checked first (the same rules plug-session applies to resolveUser); nothing
is sent to DevRev when it is invalid. Against the local emulator:
  npx plug-session-emulator &   # prints its endpoint
  DEVREV_AAT=anything plug-session mint --user-ref alice --endpoint http://127.0.0.1:PORT/internal/auth-tokens.create

Exit status: 0 minted, 1 no token (invalid rev_info or DevRev refused), 2 usage error.
`;
