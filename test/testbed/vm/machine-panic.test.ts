/**
 * The VM runner's answer to a guest kernel panic, against real qemu and OVMF
 * (TCG): the UEFI shell prints the panic line (`echo` of a shell variable, so
 * that the typed command itself does not contain it), and the runner resets
 * the machine after an oops, or stops it at once after any other panic.
 * Skips when qemu or OVMF is missing.
 */
import { expect } from 'chai';
import { withMachine, type Machine } from '../../../testbed/vm/machine.js';
import { skipWithoutMachines } from '../../helpers/coreos-vm.js';

const HARD_TIMEOUT_MS = 120_000;
const BOOT_MANAGER = /BdsDxe: starting Boot\d+ "EFI Internal Shell"/;

/** Makes the shell print `Kernel panic - not syncing: <reason>` on a line of its own. */
async function printPanic(m: Machine, reason: string): Promise<void> {
  await m.waitForConsole(/Shell> /);
  m.typeOnConsole('set P "Kernel panic"\r');
  await m.waitForConsole(/Shell> /, 2);
  m.typeOnConsole(`echo "%P% - not syncing: ${reason}"\r`);
}

describe('testbed/vm/machine: guest kernel panics (qemu + OVMF)', function () {
  this.timeout(HARD_TIMEOUT_MS + 30_000);
  skipWithoutMachines();

  it('an oops is answered with a reset: the firmware starts again, and the reset is told', async () => {
    const notes: string[] = [];
    await withMachine({ hardTimeoutMs: HARD_TIMEOUT_MS, note: (n) => notes.push(n) }, async (m) => {
      await printPanic(m, 'Fatal exception in interrupt');

      await m.waitForConsole(BOOT_MANAGER, 2);

      expect(m.panics).to.deep.equal(['Fatal exception in interrupt']);
      expect(notes).to.have.length(1);
      await m.quit();
    });
  });

  it('any other panic stops the VM at once, and pending waits fail naming it', async () => {
    await withMachine({ hardTimeoutMs: HARD_TIMEOUT_MS, note: () => undefined }, async (m) => {
      const never = m.waitForCompletion();
      await printPanic(m, 'VFS: Unable to mount root fs');

      const exit = await m.exited;

      expect(exit.timedOut).to.equal(false);
      await never.then(
        () => expect.fail('the wait should have failed'),
        (e: Error) => expect(e.message).to.contain('the guest kernel panicked: "VFS: Unable to mount root fs"'),
      );
    });
  });
});
