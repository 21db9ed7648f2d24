#!/usr/bin/env node
// `npm run build`: compile into a fresh dist/ (no outputs of deleted sources
// linger), bundle the runtime into dist/bundle/ (scripts/bundle.mjs: what
// bin/ironic-coreos-agent, the npm package and the image run; tsc's output
// stays for the tests, the bench and the test bed), then, when run as root in a checkout someone else owns
// (`sudo npm test`, `sudo npm run demo`), give dist/ to the checkout's owner,
// so that a later build without sudo can replace it.
import { execFileSync } from 'node:child_process';
import { lchownSync, lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  await bundle(root, join(dist, 'bundle'));
} catch (error) {
  // tsc has printed its diagnostics; esbuild's come with the error.
  if (error?.errors === undefined && error?.status === undefined) console.error(error);
  process.exitCode = 1;
}

const owner = statSync(root);
if (process.getuid?.() === 0 && owner.uid !== 0) chownTree(dist, owner.uid, owner.gid);

/** chown -R without following symlinks; a missing path (failed build) is fine. */
function chownTree(path, uid, gid) {
  let entries = [];
  try {
    lchownSync(path, uid, gid);
    if (lstatSync(path).isDirectory()) entries = readdirSync(path);
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  for (const name of entries) chownTree(join(path, name), uid, gid);
}
