import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kernelCmdline, mapNodePath, unitCondition, unitExec, type NodePaths } from '../../testbed/node-boot.js';
import { bootUnit, switchUnit } from '../../reprovision/scripts/units.js';

const PATHS: NodePaths = {
  sysroot: '/t/sysroot',
  cmdlineFile: '/t/node/cmdline',
  bootIdFile: '/t/node/boot_id',
  systemctlDir: '/t/node/systemctl',
};

describe('testbed/node-boot (the reboot double, pure parts)', () => {
  const paths: Array<[string, string]> = [
    ['/var', '/t/sysroot/ostree/deploy/fedora-coreos/var'],
    [
      '/var/.ironic-coreos-agent/reprovision/a.boot.sh',
      '/t/sysroot/ostree/deploy/fedora-coreos/var/.ironic-coreos-agent/reprovision/a.boot.sh',
    ],
    ['/boot', '/t/sysroot/boot'],
    ['/sysroot', '/t/sysroot'],
    ['/proc/cmdline', '/t/node/cmdline'],
    ['/proc/sys/kernel/random/boot_id', '/t/node/boot_id'],
    ['/bin/sh', '/bin/sh'],
    ['--if-started', '--if-started'],
    ['/varnish', '/varnish'],
  ];
  for (const [node, here] of paths) {
    it(`maps the node's ${node} to ${here}`, () => {
      expect(mapNodePath(node, PATHS, 'fedora-coreos')).to.equal(here);
    });
  }

  it("reads the product's boot unit: ExecStart, no ExecStop, its condition", () => {
    const unit = bootUnit('apply-1').text;

    expect(unitExec(unit, 'ExecStart')).to.deep.equal([
      '/bin/sh',
      '/var/.ironic-coreos-agent/reprovision/apply-1.boot.sh',
      '/var',
      '/boot',
      '/sysroot',
      '/proc/cmdline',
      '/proc/sys/kernel/random/boot_id',
    ]);
    expect(unitExec(unit, 'ExecStop')).to.equal(null);
    expect(unitCondition(unit)).to.equal('/var/.ironic-coreos-agent/reprovision/apply-1.boot.sh');
  });

  it("reads the product's switch unit's ExecStop (the switch at shutdown)", () => {
    expect(unitExec(switchUnit('apply-1').text, 'ExecStop')?.slice(2)).to.deep.equal(['/var', '/boot', '/sysroot']);
  });

  const cmdlines: Array<[string, boolean, string]> = [
    ['ro $ignition_firstboot ostree=/ostree/boot.1/x/0', true, 'ro ignition.firstboot ostree=/ostree/boot.1/x/0'],
    ['ro $ignition_firstboot ostree=/ostree/boot.1/x/0', false, 'ro ostree=/ostree/boot.1/x/0'],
    ['ro  console=ttyS0 ', false, 'ro console=ttyS0'],
  ];
  for (const [options, firstboot, expected] of cmdlines) {
    it(`GRUB's command line of "${options}" with the first-boot flag ${firstboot ? 'present' : 'absent'}`, () => {
      expect(kernelCmdline(options, firstboot)).to.equal(expected);
    });
  }

  it('the files it rewrites stay the same inodes (the node sees them through bind mounts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'node-boot-'));
    try {
      const file = join(dir, 'cmdline');
      writeFileSync(file, 'old\n');
      const { stdout: before } = await promisify(execFile)('stat', ['-c', '%i', file]);
      writeFileSync(file, 'new\n');
      const { stdout: after } = await promisify(execFile)('stat', ['-c', '%i', file]);
      expect([after, readFileSync(file, 'utf8')]).to.deep.equal([before, 'new\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
