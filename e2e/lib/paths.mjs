// Filesystem locations shared by the e2e harness.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The e2e/ folder (this file lives in e2e/lib/). */
export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root (parent of e2e/). */
export const REPO_DIR = resolve(E2E_DIR, '..');

/** Screenshots, server logs and page-budget.txt go here (gitignored). */
export const ARTIFACTS_DIR = join(E2E_DIR, 'artifacts');

export function ensureArtifactsDir() {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return ARTIFACTS_DIR;
}

/** Names end up in file names: keep them to a safe alphabet. */
export function assertSafeName(name) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new Error(`artifact name must match [A-Za-z0-9][A-Za-z0-9._-]*, got ${JSON.stringify(name)}`);
  }
  return name;
}
