import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../agent/config/load.js';
import type { ConfigNotice } from '../../agent/config/sources.js';
import { NodeFs } from '../../common/fs/node-fs.js';

const SHIPPED = fileURLToPath(new URL('../../container/ironic-python-agent.conf', import.meta.url));
const DOCKERFILE = fileURLToPath(new URL('../../Dockerfile', import.meta.url));

describe("container/ironic-python-agent.conf (the image's 00-defaults.conf)", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'defaults-conf-'));
    mkdirSync(join(root, 'etc'));
    copyFileSync(SHIPPED, join(root, 'etc', '00-defaults.conf'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function load(
    cmdline: string,
  ): Promise<{ config: Awaited<ReturnType<typeof loadConfig>>; notices: ConfigNotice[] }> {
    writeFileSync(join(root, 'cmdline'), cmdline);
    const notices: ConfigNotice[] = [];
    const config = await loadConfig({
      argv: ['--config-dir', join(root, 'etc'), '--cmdline-path', join(root, 'cmdline'), '--standalone'],
      fs: new NodeFs(),
      onNotice: (n) => notices.push(n),
    });
    return { config, notices };
  }

  it('is what the Dockerfile installs as /etc/ironic-python-agent/00-defaults.conf', () => {
    expect(readFileSync(DOCKERFILE, 'utf8')).to.match(
      /^COPY container\/ironic-python-agent\.conf \/etc\/ironic-python-agent\/00-defaults\.conf$/m,
    );
  });

  it("sets openshift/ironic-agent-image's defaults, every option known to the agent", async () => {
    const { config, notices } = await load('BOOT_IMAGE=/vmlinuz');

    expect(config).to.deep.include({
      debug: true,
      collectLldp: true,
      inspectionCollectors: ['default', 'logs'],
      inspectionDhcpAllInterfaces: true,
    });
    expect(notices.filter((n) => n.level === 'warn')).to.deep.equal([]);
  });

  it("beats ipa-* kernel parameters, as IPA's config files do; ignition.conf beats it", async () => {
    const kernel = await load(
      'ipa-inspection-collectors=default,extra-hardware,logs ipa-inspection-dhcp-all-interfaces=0',
    );
    writeFileSync(
      join(root, 'etc', 'ignition.conf'),
      '[DEFAULT]\ninspection_collectors = default,extra-hardware,numa-topology,logs\n',
    );
    const ignition = await load('BOOT_IMAGE=/vmlinuz');

    expect(kernel.config.inspectionCollectors).to.deep.equal(['default', 'logs']);
    expect(kernel.config.inspectionDhcpAllInterfaces).to.equal(true);
    expect(ignition.config.inspectionCollectors).to.deep.equal(['default', 'extra-hardware', 'numa-topology', 'logs']);
  });
});
