/**
 * The Node part of scripts/demo and scripts/test on a fresh Debian 12: in a
 * container from a debootstrapped bookworm (no Node at all), install Debian's
 * nodejs and npm as .ci/install-debian-deps does when there is no npm, then
 * scripts/lib/setup.sh's ica_ensure_node must fetch a supported Node from the
 * npm registry with Debian's npm, and `npm ci`, the build and the CLI must run
 * with it. Needs root, podman, the Debian mirror and the npm registry.
 * SKIP_CONTAINER_TESTS=1 skips it.
 */
import { expect } from 'chai';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { copyCheckout } from '../helpers/checkout-copy.js';
import { debianBaseUnavailableReason, ensureDebianBase } from '../../testbed/debian-base-image.js';
import { buildCaBundle } from '../../testbed/agent-image.js';
import { createPodman, podmanUnavailableReason, type Podman } from '../../testbed/podman.js';

const SCRIPT = `
apt-get -q update >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm ca-certificates openssl >/dev/null
echo "debian node $(node --version), npm $(npm --version)"
cd /src
. scripts/lib/setup.sh
ica_ensure_node
npm ci --no-audit --no-fund --loglevel=error
npm run build >/dev/null
echo "cli $(bin/ironic-coreos-agent --version)"
`;

describe('e2e: a supported Node on a fresh Debian 12', function () {
  this.timeout(30 * 60_000);
  let dir: string | undefined;
  let podman: Podman;

  before(async function () {
    const reason =
      process.env['SKIP_CONTAINER_TESTS'] === '1' ? 'SKIP_CONTAINER_TESTS=1' : await podmanUnavailableReason();
    if (reason !== null) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    podman = await createPodman();
    const baseReason = await debianBaseUnavailableReason(podman);
    if (baseReason !== null) {
      console.log(`      skipped: ${baseReason}`);
      this.skip();
    }
    dir = await mkdtemp('/var/tmp/fresh-node-');
  });

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("fetches Node from the npm registry with Debian's npm 9 on Node 18, then npm ci, build and the CLI run", async () => {
    const base = await ensureDebianBase(podman, dir ?? '/var/tmp');
    const src = await copyCheckout(join(dir ?? '', 'src'));
    await unlink(join(src, 'node_modules'));
    const ca = await buildCaBundle();

    const result = await podman.run(
      [
        'run',
        '--rm',
        '--network',
        'host',
        '-v',
        `${src}:/src`,
        ...(ca === null ? [] : ['-v', `${ca}:/host-ca.pem:ro`, '-e', 'NODE_EXTRA_CA_CERTS=/host-ca.pem']),
        base,
        'bash',
        '-euo',
        'pipefail',
        '-c',
        SCRIPT,
      ],
      { timeoutMs: 25 * 60_000, okExitCodes: Array.from({ length: 256 }, (_, i) => i) },
    );

    expect(result.exitCode, `${result.stdout}\n${result.stderr}`.slice(-4000)).to.equal(0);
    expect(result.stdout).to.match(/^debian node v18\.\d+\.\d+, npm 9\.\d+\.\d+$/m);
    expect(result.stdout).to.match(/node v18\.\d+\.\d+ is older than 20\.19: fetching Node 22\.\d+\.\d+/);
    expect(result.stdout).to.match(/^Using node v22\.\d+\.\d+ and npm 10\.\d+\.\d+ from \/src\/\.tools\/node\/bin$/m);
    expect(result.stdout).to.match(/^cli \d+\.\d+\.\d+$/m);
  });
});
