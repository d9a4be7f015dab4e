#!/usr/bin/env node
// The `plug-session` command. This file is committed, so that pnpm can link the bin into the
// workspace at install time, before `pnpm build` has made dist/ (pnpm/pnpm#1801).
import '../dist/cli.js';
