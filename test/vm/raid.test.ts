/**
 * install_coreos's software RAID removal against a real md driver, in a qemu
 * guest (the host kernel has no md): RAID1 md0 across disk A and disk B, md1
 * only on disk B, stale superblocks on A2 and on disk C. The agent's
 * createSoftwareRaid (this worktree's dist/) targets disk A, first while md0
 * is mounted (must refuse and change nothing), then unmounted.
 *
 * Skips when qemu, a suitable Debian kernel, busybox-static, mdadm or root is
 * missing. Bounded by a hard qemu timeout; nothing is asserted on timing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { parseMdstat } from '../../agent/hardware/coreos/raid/mdstat.js';
import { BUSYBOX, buildInitramfs } from '../../testbed/vm/initramfs.js';
import { findGuestKernel } from '../../testbed/vm/kernel.js';
import { QEMU, runVm, type VmResult } from '../../testbed/vm/run.js';
import { guestScript, NODE_SCRIPT } from './raid-guest.js';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const HARD_TIMEOUT_MS = 300_000;

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the VM test cannot run here, or null. */
function skipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (qemu shares / over 9p with security_model=none)';
  if (!onPath(QEMU)) return `${QEMU} is not installed (apt-get install qemu-system-x86)`;
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (apt-get install busybox-static)`;
  for (const tool of ['mdadm', 'sfdisk', 'mkfs.ext4'])
    if (!onPath(tool)) return `${tool} is not installed on the host (the guest runs the host's tools)`;
  const kernel = findGuestKernel();
  if ('missing' in kernel) return kernel.missing;
  return null;
}

describe('vm: install_coreos software RAID removal on a real md driver', function () {
  this.timeout(HARD_TIMEOUT_MS + 60_000);
  let dir: string;
  let vm: VmResult;
  const fact = (name: string): string => {
    const path = join(vm.shareDir, 'facts', name);
    return existsSync(path) ? readFileSync(path, 'utf8').trim() : `<no ${name}>`;
  };
  const tail = (path: string, n: number): string => (existsSync(path) ? readFileSync(path, 'utf8').slice(-n) : '');
  const context = (): string =>
    `\n--- script.log ---\n${vm.scriptLog.slice(-3000)}\n--- console ---\n${tail(vm.consoleLog, 2000)}\n--- qemu ---\n${tail(join(vm.shareDir, 'qemu.stderr'), 1000)}`;

  before(async function () {
    const reason = skipReason();
    if (reason !== null) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    if (!existsSync(join(DIST, 'agent/hardware/coreos/raid/remove.js')))
      throw new Error(`${DIST} is not built: run npm run build first`);
    const kernel = findGuestKernel();
    if ('missing' in kernel) throw new Error(kernel.missing);
    const initramfs = await buildInitramfs(new ExecaRunner(), kernel);
    dir = mkdtempSync(join(tmpdir(), 'ica-vm-raid-'));
    const disks = ['raid-a', 'raid-b', 'raid-c'].map((serial) => {
      const file = join(dir, `${serial}.img`);
      writeFileSync(file, '');
      truncateSync(file, (serial === 'raid-c' ? 24 : 96) * 1024 * 1024);
      return { file, serial };
    });
    const share = join(dir, 'share');
    execFileSync('mkdir', ['-p', share]);
    writeFileSync(join(share, 'raid.mjs'), NODE_SCRIPT);
    vm = await runVm({
      kernel: kernel.image,
      initramfs,
      disks,
      script: guestScript(DIST),
      timeoutMs: HARD_TIMEOUT_MS,
      shareDir: share,
    });
    console.log(`      VM wall time ${(vm.wallMs / 1000).toFixed(1)} s`);
    if (vm.exitCode !== 0)
      throw new Error(
        `guest script did not finish (exit ${String(vm.exitCode)}, timed out: ${vm.timedOut})${context()}`,
      );
  });
  after(() => {
    if (dir !== undefined && process.env['ICA_VM_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('builds the layout: md0 across A and B, md1 only on B', () => {
    const arrays = parseMdstat(fact('mdstat-before'));

    expect(arrays.map((a) => [a.kname, a.level, a.members.map((m) => m.kname).sort()])).to.deep.equal([
      ['md1', 'raid1', ['vdb2', 'vdb3']],
      ['md0', 'raid1', ['vda1', 'vdb1']],
    ]);
  });

  it('refuses while md0 is mounted and changes nothing', () => {
    expect(fact('refused.rc')).to.equal('3');
    expect(fact('refused.out')).to.match(
      /ERROR .*Cannot install on \/dev\/vda: software RAID array \/dev\/md0 .* is mounted at \/mnt\/md0/,
    );
    expect(fact('mdstat-refused')).to.equal(fact('mdstat-before'));
  });

  it('stops md0 (member on A) and keeps md1 (only on B) running', () => {
    expect(fact('removed.rc'), fact('removed.out') + fact('removed.log')).to.equal('0');
    const arrays = parseMdstat(fact('mdstat-after'));

    expect(arrays.map((a) => a.kname)).to.deep.equal(['md1']);
    expect(arrays[0]?.active).to.equal(true);
  });

  it('leaves no md superblock on disk A: the mirror member, the stale A2 and the disk', () => {
    for (const device of ['A1', 'A2', 'A']) {
      expect(fact(`examine-${device}`), device).to.match(/No md superblock detected|MBR Magic/);
      expect(fact(`examine-${device}`), device).not.to.match(/^\s*Magic\s*:/m);
    }
  });

  it('keeps the superblocks on disks B and C intact', () => {
    expect(fact('examine-B1')).to.match(/Name : [^\n]*mirror/);
    expect(fact('examine-B2')).to.match(/Name : [^\n]*bonly/);
    expect(fact('examine-B3')).to.match(/Name : [^\n]*bonly/);
    expect(fact('examine-C')).to.match(/Name : [^\n]*staleC/);
  });

  it('writes nothing else on disks B and C', () => {
    expect(fact('b.after')).to.match(/^[0-9a-f]{64}$/);
    expect(fact('b.after')).to.equal(fact('b.before'));
    expect(fact('c.after')).to.equal(fact('c.before'));
  });

  it('logs which members were left on other disks', () => {
    const warning = fact('removed.log')
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e['level'] === 'warn');

    expect(warning).to.include({ array: '/dev/md0', disk: '/dev/vda' });
    expect(warning?.['leftOn']).to.deep.equal(['/dev/vdb1']);
  });

  it('leaves md0 degraded, not destroyed: it assembles from B1 alone with the data', () => {
    expect(fact('assemble.rc'), fact('assemble.log')).to.equal('0');
    expect(fact('mdstat-degraded')).to.match(/md0 : active raid1 vdb1\[1\]/);
    expect(fact('data.after')).to.equal(fact('data.sha'));
  });
});
