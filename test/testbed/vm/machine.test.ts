/**
 * The firmware-booting VM runner against real qemu and OVMF (TCG): the
 * firmware's own serial output is the guest, so no image is needed. Each VM
 * lives for seconds; a hard timeout bounds every one. Skips when qemu or OVMF
 * is missing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { findOvmf } from '../../../testbed/vm/firmware.js';
import { Machine, withMachine } from '../../../testbed/vm/machine.js';
import { skipWithoutMachines } from '../../helpers/coreos-vm.js';

const HARD_TIMEOUT_MS = 120_000;
/** OVMF's boot manager starting its built-in shell: printed once per firmware boot. */
const BOOT_MANAGER = /BdsDxe: starting Boot\d+ "EFI Internal Shell"/;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const machineDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('ica-machine-'));

describe('testbed/vm/machine (qemu + OVMF)', function () {
  this.timeout(HARD_TIMEOUT_MS + 30_000);
  skipWithoutMachines();

  it('boots OVMF with no bootable disk into its shell, typed commands echo on the console, quit ends qemu', async () => {
    const dirsBefore = machineDirs();
    let dir = '';

    const exit = await withMachine({ hardTimeoutMs: HARD_TIMEOUT_MS }, async (m) => {
      dir = m.dir;
      await m.waitForConsole(/UEFI Interactive Shell/);
      await m.waitForConsole(/Shell> /);
      m.typeOnConsole('echo ICA-CONSOLE-MARK\r');
      await m.waitForConsole(/\nICA-CONSOLE-MARK/);
      return m.quit();
    });

    expect(exit).to.deep.equal({ exitCode: 0, signal: null, timedOut: false });
    expect(existsSync(dir), 'the VM directory is removed').to.equal(false);
    expect(machineDirs()).to.deep.equal(dirsBefore);
  });

  it('QMP system_reset restarts the firmware in a new qemu process (a cold start); the console goes on', async () => {
    await withMachine({ hardTimeoutMs: HARD_TIMEOUT_MS }, async (m) => {
      await m.waitForConsole(BOOT_MANAGER);
      expect(m.console.text.match(new RegExp(BOOT_MANAGER.source, 'g'))).to.have.length(1);

      await m.qmp('no-such-command').then(
        () => expect.fail('qemu should refuse an unknown command'),
        (e: Error) => expect(e.message).to.match(/^QMP error CommandNotFound: /),
      );
      await m.systemReset();

      expect(m.starts).to.equal(2);
      await m.waitForConsole(BOOT_MANAGER, 2);
      expect(readFileSync(m.consoleLog, 'latin1').match(/EFI Internal Shell/g)?.length).to.be.at.least(2);
      expect(await m.qmp('query-status')).to.deep.include({ status: 'running' });
    });
  });

  it("the guest's own reboot starts a new qemu process; the guest's power-off ends the machine", async () => {
    await withMachine({ hardTimeoutMs: HARD_TIMEOUT_MS }, async (m) => {
      await m.waitForConsole(/Shell> /);
      m.typeOnConsole('reset\r');
      await m.waitForConsole(BOOT_MANAGER, 2);
      expect(m.starts).to.equal(2);

      await m.waitForConsole(/Shell> /, 2);
      m.typeOnConsole('reset -s\r');
      const exit = await m.exited;

      expect(exit).to.deep.equal({ exitCode: 0, signal: null, timedOut: false });
      expect(m.starts).to.equal(2);
      await m.waitForConsole(/a line the firmware never prints/).then(
        () => expect.fail('the wait should have failed'),
        (e: Error) => expect(e.message).to.contain('qemu exited (code 0'),
      );
    });
  });

  it('the hard timeout kills a VM that never finishes, and pending waits fail naming it', async () => {
    const m = await Machine.start({ hardTimeoutMs: 1_500 });
    try {
      const waiting = m.waitForConsole(/a line the firmware never prints/);

      const exit = await m.exited;

      expect(exit).to.deep.equal({ exitCode: null, signal: 'SIGKILL', timedOut: true });
      await waiting.then(
        () => expect.fail('the wait should have failed'),
        (e: Error) => expect(e.message).to.contain('killed by the hard timeout'),
      );
    } finally {
      await m.close();
    }
    expect(existsSync(m.dir)).to.equal(false);
  });

  it('gives each VM its own copy of the variable store, which the firmware writes; the template is untouched', async () => {
    const ovmf = findOvmf();
    if ('missing' in ovmf) throw new Error(ovmf.missing);
    const templateBefore = sha256(ovmf.varsTemplate);
    const a = await Machine.start({ hardTimeoutMs: HARD_TIMEOUT_MS, keepDir: true });
    const b = await Machine.start({ hardTimeoutMs: HARD_TIMEOUT_MS });
    try {
      await Promise.all([a.waitForConsole(BOOT_MANAGER), b.waitForConsole(BOOT_MANAGER)]);
      await a.quit();

      expect(a.varsFile).not.to.equal(b.varsFile);
      expect(a.varsFile.startsWith(a.dir)).to.equal(true);
      expect(sha256(a.varsFile), 'OVMF wrote its boot entries to the copy').not.to.equal(templateBefore);
      expect(sha256(ovmf.varsTemplate)).to.equal(templateBefore);
    } finally {
      await Promise.all([a.close(), b.close()]);
      execFileSync('rm', ['-rf', a.dir]);
    }
  });

  it('puts a NIC on the tap the test created in its own namespace; the firmware PXE-boots through it', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const ns = `icavm${process.pid}`;
    const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
    ip('netns', 'add', ns);
    try {
      ip('-n', ns, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap');
      ip('-n', ns, 'link', 'set', 'tap0', 'up');
      const rxPackets = (): number => {
        const stats = JSON.parse(ip('-n', ns, '-s', '-j', 'link', 'show', 'tap0')) as Array<{
          stats64: { rx: { packets: number } };
        }>;
        return stats[0]?.stats64.rx.packets ?? -1;
      };

      await withMachine(
        { hardTimeoutMs: HARD_TIMEOUT_MS, nic: { namespace: ns, tap: 'tap0', mac: '52:54:00:1c:a0:01' } },
        async (m) => {
          await m.waitForConsole(/Start PXE over IPv4/);
          // its DHCP discover reaches the tap; bounded by the VM's hard timeout, not by a test timer
          let running = true;
          void m.exited.then(() => (running = false));
          while (running && rxPackets() === 0) await new Promise((r) => setTimeout(r, 200));

          expect(rxPackets(), 'frames from the guest NIC reached the tap').to.be.greaterThan(0);
        },
      );
    } finally {
      ip('netns', 'del', ns);
    }
  });

  it('refuses a missing firmware with the package to install, leaving nothing behind', async () => {
    const dirsBefore = machineDirs();

    const error = await Machine.start({
      hardTimeoutMs: 1_000,
      ovmf: { code: '/nonexistent/OVMF_CODE_4M.fd', varsTemplate: '/nonexistent/v' },
    }).then(
      () => null,
      (e: Error) => e,
    );

    expect(error?.message).to.equal(
      'Cannot start a VM: /nonexistent/OVMF_CODE_4M.fd is missing (apt-get install ovmf)',
    );
    expect(machineDirs()).to.deep.equal(dirsBefore);
  });
});
