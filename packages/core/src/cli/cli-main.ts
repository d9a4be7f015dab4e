import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DEFAULT_ENDPOINT, PlugSessionOptionsError } from '../options/options.js';
import { validateRevInfo } from '../rev-info/rev-info-validation.js';
import { createPlugSession } from '../runtime/node-runtime.js';
import { HELP, type MintCommand, parseCli } from './cli-args.js';
import { decodeJwtClaims, failureLines, issueLines, relativeTime, skewNote } from './cli-format.js';

/** Where the CLI reads and writes; `process`'s own streams in the real command. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdin: Readable;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => Date;
}

/** Exit statuses: minted, no token, the command line was wrong. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

async function readRevInfo(file: string, stdin: Readable): Promise<Record<string, unknown>> {
  let text: string;
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await readFile(file, 'utf8');
    }
  } catch (error) {
    throw new UsageError(`cannot read --rev-info ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--rev-info ${file === '-' ? '(stdin)' : file} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--rev-info must hold a JSON object: the rev_info itself');
  }
  // A whole request body ({ "rev_info": … }) is accepted too.
  const inner = (value as { rev_info?: unknown }).rev_info;
  return typeof inner === 'object' && inner !== null ? { ...inner } : { ...value };
}

/** The rev_info to send: the file's, with the flags laid over it. */
async function buildRevInfo(command: MintCommand, stdin: Readable): Promise<unknown> {
  const base = command.revInfoFile ? await readRevInfo(command.revInfoFile, stdin) : {};
  const f = command.flags;
  const merge = (key: string, fields: Record<string, unknown>) => {
    const given = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (given.length === 0) return;
    const current = base[key];
    base[key] = {
      ...(typeof current === 'object' && current !== null ? current : {}),
      ...Object.fromEntries(given),
    };
  };
  if (f.userRef !== undefined) base.user_ref = f.userRef;
  if (f.accountRef !== undefined) base.account_ref = f.accountRef;
  if (f.workspaceRef !== undefined) base.workspace_ref = f.workspaceRef;
  merge('user_traits', {
    email: f.email,
    display_name: f.displayName,
    phone_numbers: f.phones.length > 0 ? f.phones : undefined,
  });
  merge('account_traits', {
    display_name: f.accountName,
    domains: f.domains.length > 0 ? f.domains : undefined,
  });
  merge('workspace_traits', { display_name: f.workspaceName });
  return base;
}

/** Runs `plug-session …` and resolves with the exit status. Never prints the AAT. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseCli(argv);
  if (command.kind === 'help') {
    io.out(HELP);
    return EXIT.ok;
  }
  if (command.kind === 'usage-error') {
    io.err(`plug-session: ${command.message}\nRun plug-session --help for the options.\n`);
    return EXIT.usage;
  }
  try {
    return await mint(command, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PlugSessionOptionsError) {
      io.err(`plug-session: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

async function mint(command: MintCommand, io: CliIo): Promise<number> {
  const print = (lines: string[]) => io.out(`${lines.join('\n')}\n`);
  const fail = (lines: string[], json: Record<string, unknown>) => {
    if (command.json) io.out(`${JSON.stringify({ ok: false, ...json }, null, 2)}\n`);
    else io.err(`${lines.join('\n')}\n`);
    return EXIT.failed;
  };

  const checked = validateRevInfo(await buildRevInfo(command, io.stdin));
  if (!checked.success) {
    const lines = [
      `error: the rev_info is invalid (${checked.issues.length} problem${checked.issues.length === 1 ? '' : 's'}); nothing was sent to DevRev`,
      ...issueLines(checked.issues),
    ];
    return fail(lines, { code: 'INVALID_REV_INFO', issues: checked.issues });
  }

  const aat = io.env[command.aatEnv]?.trim();
  if (!aat) {
    throw new UsageError(
      `the environment variable ${command.aatEnv} holding the application access token is not set. Set it without echoing it (read -rs ${command.aatEnv} && export ${command.aatEnv}), or name another with --aat-env.`,
    );
  }
  const endpoint = command.endpoint ?? (io.env.DEVREV_ENDPOINT?.trim() || DEFAULT_ENDPOINT);
  const revInfo = checked.output;
  const engine = createPlugSession<undefined>({
    appAccessToken: aat,
    endpoint,
    timeoutMs: command.timeoutMs,
    cache: false,
    resolveUser: () => revInfo,
    // The failure is read from the resolution below; nothing to log twice.
    onError: () => {},
  });
  // core's retry timers are unref()'d so that they never hold a server open; here they are
  // all there is, and Node would exit mid-backoff with status 0. Hold the process until done.
  const keepAlive = setInterval(() => {}, 60_000);
  const resolution = await Promise.resolve(engine.resolve(undefined)).finally(() => {
    clearInterval(keepAlive);
    return engine.close();
  });

  if (resolution.kind === 'failed') {
    const { error } = resolution;
    return fail(failureLines(error), { ...error.toJSON(), endpoint });
  }
  if (resolution.kind !== 'identified') {
    return fail([`error: no token (${resolution.kind})`], { code: resolution.kind });
  }
  const now = io.now?.() ?? new Date();
  const claims = decodeJwtClaims(resolution.token);
  const expiresAt = resolution.expiresAt;
  if (command.json) {
    const body = {
      ok: true,
      endpoint,
      session_token: resolution.token,
      expires_at: expiresAt.toISOString(),
      claims: claims ?? null,
    };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  }
  const refs = [
    revInfo.account_ref && `account ${revInfo.account_ref}`,
    revInfo.workspace_ref && `workspace ${revInfo.workspace_ref}`,
  ].filter(Boolean);
  print([
    `Minted a session token for ${revInfo.user_ref}${refs.length > 0 ? ` (${refs.join(', ')})` : ''}`,
    `  endpoint    ${endpoint}`,
    `  expires at  ${expiresAt.toISOString()} (${relativeTime(expiresAt, now)})`,
    ...skewNote(claims, expiresAt),
    '  claims',
    claims
      ? JSON.stringify(claims, null, 2).replace(/^/gm, '    ')
      : '    (the token is not a readable JWT)',
    '  session_token (for plugSDK.init({ app_id, session_token }))',
    `    ${resolution.token}`,
  ]);
  return EXIT.ok;
}
