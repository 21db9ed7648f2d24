/**
 * The CoreOS-like image's GRUB boots what ostree deployed after the image was
 * built, as Fedora CoreOS's does (blscfg reads the BLS entries at boot): on a
 * copy of the image mounted on the host, host ostree commits a changed tree
 * and deploys it with a marker karg (what reprovisioning does in the
 * machine); the VM then boots the new deployment, with `$ignition_firstboot`
 * still expanded from the new entry's options. Undeploying it (a rollback)
 * boots the old one again. A grub.cfg written once at image build time fails
 * this: its entries name the old deployment's boot link, which the deploy
 * replaced.
 *
 * Needs root (loop devices, mounts), qemu and OVMF; the image is cached
 * (testbed/vm/coreos-image.ts). Bounded by the VM's hard timeout.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { FCOS_REF, FCOS_STATEROOT } from '../../../testbed/ostree-sysroot.js';
import { bootDisk, diskCopy, useCoreosImage } from '../../helpers/coreos-vm.js';
import { withMountedSysroot } from '../../helpers/mounted-image.js';

const HARD_TIMEOUT_MS = 600_000;
const MARKER = 'ica.deployed=second';

/**
 * The boot link the booted system reported (`ostree=` of the completion line; `ostree-booted=yes` shows the
 * report came from the booted deployment): boot.0 or boot.1 names the bootloader config version ostree wrote.
 */
function reportedOstree(line: string): string {
  const m = / ostree=(\S+) ostree-booted=yes /.exec(` ${line} `);
  return m?.[1] ?? `no "ostree=… ostree-booted=yes" in: ${line}`;
}

/** `ostree=` of the first deployment of the (only) boot checksum in bootloader config version `bootVersion`. */
function bootLink(bootVersion: 0 | 1): RegExp {
  return new RegExp(`^/ostree/boot\\.${bootVersion}/fedora-coreos/[0-9a-f]{64}/0$`);
}

describe('testbed/vm/grub-bls: GRUB boots a deployment made after the image was built', function () {
  this.timeout(2 * HARD_TIMEOUT_MS + 20 * 60_000);
  const runner = new ExecaRunner();
  before(function () {
    if (process.getuid?.() === 0) return;
    console.log('      skipped: mounting the image on the host needs root');
    this.skip();
  });
  const ctx = useCoreosImage('ica-grub-bls-');

  /** Boots `disk`; returns the report line and the kernel command line GRUB passed. */
  async function boot(disk: string): Promise<{ line: string; cmdline: string }> {
    return bootDisk(disk, HARD_TIMEOUT_MS, async (m) => {
      // a stale entry (an ostree= link the deploy removed) ends in dracut's emergency shell: fail then, not at the hard timeout
      const stuck = m.waitForConsole(/Entering emergency mode/).then(() => {
        const why = m.console.text.split('\n').filter((l) => /ostree-prepare-root\[|Failed to start/.test(l));
        throw new Error(`The boot stopped in the initramfs's emergency shell:\n${why.join('\n')}`);
      });
      stuck.catch(() => undefined); // after a good boot it rejects when qemu exits
      const line = await Promise.race([m.waitForCompletion(), stuck]);
      return { line, cmdline: /Command line: (.*)/.exec(m.console.text)?.[1]?.trim() ?? '' };
    });
  }

  /** Commits the deployed tree plus one file as the new `fcos/stable` and deploys it with {@link MARKER}. */
  async function deploySecond(sysroot: string): Promise<string[]> {
    const repo = `--repo=${join(sysroot, 'ostree/repo')}`;
    const extra = join(ctx.dir, 'extra');
    mkdirSync(join(extra, 'usr/share'), { recursive: true });
    writeFileSync(join(extra, 'usr/share/ica-second-deployment'), 'second\n');
    await runner.run([
      'ostree',
      repo,
      'commit',
      '-b',
      FCOS_REF,
      `--tree=ref=${FCOS_REF}`,
      `--tree=dir=${extra}`,
      '--subject=second',
    ]);
    await runner.run([
      'ostree',
      'admin',
      'deploy',
      `--sysroot=${sysroot}`,
      `--os=${FCOS_STATEROOT}`,
      `--karg-append=${MARKER}`,
      FCOS_REF,
    ]);
    const entries = join(sysroot, 'boot/loader/entries');
    return readdirSync(entries).map((f) => readFileSync(join(entries, f), 'utf8'));
  }

  it('boots the new deployment with its kargs and $ignition_firstboot expanded, then the old one after undeploying it', async () => {
    const disk = diskCopy(ctx.image, ctx.dir, 'disk.img');

    const entries = await withMountedSysroot(runner, disk, join(ctx.dir, 'sysroot'), deploySecond);
    const first = await boot(disk);

    expect(entries).to.have.length(2);
    expect(entries.filter((e) => e.includes(MARKER))).to.have.length(1);
    expect(entries.every((e) => /^options .*\$ignition_firstboot/m.test(e))).to.equal(true);
    expect(reportedOstree(first.line)).to.match(bootLink(0));
    // the image ships /ignition.firstboot (as FCOS): the new entry's $ignition_firstboot was expanded
    expect(first.cmdline).to.contain(MARKER).and.contain('ignition.firstboot').and.not.contain('$ignition_firstboot');

    await withMountedSysroot(runner, disk, join(ctx.dir, 'sysroot'), (sysroot) =>
      runner.run(['ostree', 'admin', 'undeploy', `--sysroot=${sysroot}`, '0']),
    );
    const second = await boot(disk);

    expect(reportedOstree(second.line)).to.match(bootLink(1));
    expect(second.cmdline).to.contain('ostree=/ostree/boot.1/').and.not.contain(MARKER).and.not.contain('$ignition_');
  });
});
