#!/usr/bin/env node
// `pnpm lint` runs this: no tracked file (source, docs, config) may name an absolute path of
// one machine, such as the checkout, a temporary folder or a home folder. Such a path works
// only where it was written; anywhere else it is a dead link or a test that cannot pass.
// Name files relative to the repository (`../shared/API.md`), or build them at run time
// (`os.tmpdir()`, `import.meta.url`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const self = relative(root, fileURLToPath(import.meta.url))
  .split(sep)
  .join('/');

// A root folder at the start of a path: after a quote, a space, `(`, `=`, `:` or `//`
// (file:///…), never inside a URL's or a relative path (`https://host/tmp/x`, `../tmp/`).
const FOLDERS = ['work', 'tmp', 'root', 'home', 'Users'];
const ABSOLUTE = new RegExp(`(?<![\\w.~-])/(?:${FOLDERS.join('|')})/`);

/** The repository's files: tracked ones, and new ones not ignored; without git, a walk. */
function repositoryFiles() {
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (git.status === 0) return git.stdout.split('\0').filter(Boolean);
  const skip = new Set(['node_modules', 'dist', '.git', 'coverage']);
  const walk = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (skip.has(entry.name)) return [];
      return entry.isDirectory() ? walk(path) : [path];
    });
  return walk('');
}

const findings = [];
for (const file of repositoryFiles()) {
  if (file === self) continue;
  let bytes;
  try {
    if (!statSync(join(root, file)).isFile()) continue;
    bytes = readFileSync(join(root, file));
  } catch {
    continue; // deleted in the work tree but still in the index
  }
  if (bytes.includes(0)) continue; // binary: images and the like
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      const match = ABSOLUTE.exec(line);
      if (match) findings.push(`${file}:${index + 1}: ${line.trim().slice(0, 160)}`);
    });
}

if (findings.length > 0) {
  console.error(
    `Absolute paths of one machine (${FOLDERS.map((f) => `/${f}/`).join(', ')}) in ${findings.length} line(s); name them relative to the repository instead:\n${findings.join('\n')}`,
  );
  process.exit(1);
}
