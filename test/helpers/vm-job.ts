/**
 * The product on a job disk (testbed/vm/job-disk.ts): this Node binary and the
 * bundled CLI (`npm run build`'s dist/bundle), with an `ironic-coreos-agent`
 * wrapper in the disk's bin/ (first in the steps' PATH), laid out and run as in
 * the container image (`node dist/bundle/cli.mjs`, package.json two levels up).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JOB_MOUNT, type JobFile } from '../../testbed/vm/job-disk.js';

const BUNDLE = fileURLToPath(new URL('../../dist/bundle', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));

/** Why the product cannot go on a job disk (no build), or undefined. */
export function productSkipReason(): string | undefined {
  return existsSync(`${BUNDLE}/cli.mjs`) ? undefined : `${BUNDLE}/cli.mjs is missing: run \`npm run build\``;
}

/** The job disk files running the product in the guest. */
export function productJobFiles(): JobFile[] {
  return [
    { path: 'bin/node', source: process.execPath },
    // the layout of the image (/opt/ironic-coreos-agent): `--version` reads ../../package.json
    { path: 'dist/bundle', source: BUNDLE },
    { path: 'package.json', source: PACKAGE_JSON },
    {
      path: 'bin/ironic-coreos-agent',
      content: `#!/bin/sh\nexec ${JOB_MOUNT}/bin/node ${JOB_MOUNT}/dist/bundle/cli.mjs "$@"\n`,
      mode: 0o755,
    },
  ];
}
