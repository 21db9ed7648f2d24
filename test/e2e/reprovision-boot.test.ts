/**
 * Reprovision, then boot, with power cuts (issue 15): in the booted
 * CoreOS-like VM, the product (this Node and the bundled CLI, from a job disk)
 * reprovisions the node in place, `reprovision apply --now` in both modes,
 * then `rollback --now`; each reboot is the guest's own, through firmware,
 * GRUB's BLS entries and the initramfs (Ignition at the first boot of a
 * firstboot-mode deployment). After each boot the job's next step records
 * what is in effect: /etc's files of the config, the hostname, the /var paths
 * kept or dropped, whether Ignition ran, `status --json`.
 *
 * One VM, nine boots, one story: A is installed (Ignition at its first boot).
 * `apply --now --keep /var/lib/ica-keep` of B in firstboot mode is cut by a
 * hard reset (QMP `system_reset`: what was not on disk is lost) at five
 * points, and after each the machine boots into one complete config, never a
 * mix:
 * 1. before the stamp: the config fetched and checked, nothing written (apply
 *    held there by ICA_REPROVISION_HOLD, reprovision/test-hooks.ts);
 * 2. right after the stamp and the config's copy are written (held the same way);
 * 3. after the new deployment is made, before the switch (held the same way);
 * 4. during the swap at shutdown, /var moved aside and the new one not yet in
 *    (the switch script held; the next boot finishes the switch and reboots);
 * 5. during Ignition's files stage at the first boot of B's deployment (the
 *    reset lands when the console shows the stage starting).
 * After each cut before the switch, the same command run again finishes what
 * the cut one began. B is then in effect, and the story goes on from B:
 * `apply --mode staged` of C (no Ignition at boot) without `--now`, `status`
 * on the running node after that deploy, a plain reboot (the switch armed by
 * apply runs at that shutdown), then `rollback --now` (B's deployment again,
 * its /var restored from the backup).
 *
 * It is also the proof that the image's GRUB reads ostree's BLS entries at
 * boot, as FCOS's does: B and C are deployments made after the image was
 * built, B's entry has `$ignition_firstboot` expanded (an Ignition boot), and
 * the rollback boots an older entry again; a grub.cfg written at build time
 * fails all three. Skips like the VM tests (test/helpers/coreos-vm.ts);
 * bounded by the VM's hard timeout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { JOB_MOUNT } from '../../testbed/vm/job-disk.js';
import type { Machine } from '../../testbed/vm/machine.js';
import { HOLD_MARKER } from '../../reprovision/test-hooks.js';
import {
  RECORD,
  namedConfig,
  rebooting,
  recorded,
  sha256,
  untilConsole,
  useReprovisionVm,
} from '../helpers/vm-reprovision.js';

const HARD_TIMEOUT_MS = 2_400_000;
const CONFIGS = { a: namedConfig('a'), b: namedConfig('b'), c: namedConfig('c') };
const APPLY_B = `ironic-coreos-agent reprovision apply --now --keep /var/lib/ica-keep ${JOB_MOUNT}/configs/b.ign`;
const KEPT = ['/var/lib/ica-keep/data'];

const STEPS = [
  rebooting(
    'mkdir -p /var/lib/ica-keep /var/lib/ica-drop\necho keep > /var/lib/ica-keep/data\n' +
      `echo drop > /var/lib/ica-drop/data\nsync\nICA_REPROVISION_HOLD=apply:checked ${APPLY_B}`,
  ),
  rebooting(`ICA_REPROVISION_HOLD=apply:started ${APPLY_B}`),
  rebooting(`ICA_REPROVISION_HOLD=apply:deployed ${APPLY_B}`),
  // the switch runs at shutdown, from systemd: the hold goes through the manager's environment
  rebooting(`systemctl set-environment ICA_REPROVISION_HOLD=switch:moved\n${APPLY_B}`),
  // staged mode without --now, then the status on the running node (whose ostree=/ostree/boot.N path the new
  // deployment replaced), then a plain reboot: the switch armed by apply runs at that shutdown
  rebooting(
    `ironic-coreos-agent reprovision apply --mode staged ${JOB_MOUNT}/configs/c.ign || exit $?\n` +
      'ironic-coreos-agent reprovision status --json > staged-status.json\nsystemctl reboot',
  ),
  rebooting('ironic-coreos-agent reprovision rollback --now'),
  RECORD,
];

/** The cuts, in order: each waits for its point on the console, then resets. */
async function cutPower(m: Machine): Promise<void> {
  for (const point of ['apply:checked', 'apply:started', 'apply:deployed', 'switch:moved']) {
    await untilConsole(m, new RegExp(`${HOLD_MARKER} ${point}`));
    await m.systemReset();
  }
  // the boot after the cut in the swap finishes the switch and reboots into B, whose first boot runs Ignition;
  // counted from here, not from the start, so that a boot the runner reset after an oops cannot shift it
  await untilConsole(m, /Starting ignition-files\.service/, 1, m.console.text.length);
  await m.systemReset();
}

describe('e2e: reprovision, then boot, with power cuts (in the VM)', function () {
  this.timeout(HARD_TIMEOUT_MS + 120_000);
  const vm = useReprovisionVm('ica-reprovision-boot-', {
    installed: CONFIGS.a,
    configs: CONFIGS,
    steps: STEPS,
    hardTimeoutMs: HARD_TIMEOUT_MS,
    drive: cutPower,
  });

  const step = (n: number) => recorded(vm.run.results.get(n));

  it('runs each step on its own boot', () => {
    const ids = STEPS.map((_, i) => step(i + 1).bootId);
    expect(new Set(ids).size).to.equal(STEPS.length);
  });

  it('installed: config A in effect after its Ignition boot, nothing reprovisioned yet', () => {
    expect(step(1)).to.deep.include({ hostname: 'host-a', etcIca: ['a'], ignitionFirstboot: true, bootIgnition: [] });
    expect(step(1).status.reprovision).to.equal(null);
  });

  it('a cut before the stamp leaves no trace of the reprovision', () => {
    expect(step(2).status.reprovision).to.equal(null);
  });

  it('boots into A, complete and without Ignition, after the cuts before the switch', () => {
    for (const n of [2, 3, 4])
      expect(step(n), `boot of step ${n}`).to.deep.include({
        hostname: 'host-a',
        etcIca: ['a'],
        ignitionFirstboot: false,
      });
  });

  it("a cut during the swap or during the new deployment's Ignition boot ends in B, complete, the kept path kept", () => {
    expect(step(5)).to.deep.include({
      hostname: 'host-b',
      etcIca: ['b'],
      varFiles: KEPT,
      ignitionFirstboot: true,
      bootIgnition: [],
    });
    expect(step(5).status).to.deep.include({ in_effect: true });
    expect(step(5).status.reprovision).to.include({ sha256: sha256(CONFIGS.b), phase: 'complete' });
  });

  it('the same command run again after a cut finishes what the cut one began', () => {
    // read on the console: a step's log on the job disk loses what the cut found still in the guest's page cache
    for (const phase of ['started', 'deployed'])
      expect(vm.run.console).to.match(
        new RegExp(`finishing the interrupted reprovision of config sha256 ${sha256(CONFIGS.b)} \\(phase ${phase}\\)`),
      );
  });

  it('after a deploy on the running node, status still knows the booted deployment (as ostree does)', () => {
    const staged = vm.run.results.get(5);
    const status = JSON.parse(readFileSync(join(staged?.dir ?? '', 'staged-status.json'), 'utf8')) as {
      booted: boolean;
      in_effect: boolean;
      deployments: Array<{ id: string; booted: boolean }>;
      reprovision: { sha256: string; phase: string };
    };
    expect(status.booted, staged?.log).to.equal(true);
    expect(status.deployments.filter((d) => d.booted)).to.have.length(1);
    expect(status.deployments.find((d) => d.booted)?.id).to.equal(step(5).status.deployments.find((d) => d.booted)?.id);
    expect(status.reprovision).to.include({ sha256: sha256(CONFIGS.c), phase: 'switching' });
    expect(status.in_effect).to.equal(false);
  });

  it('staged mode: C in effect without Ignition at boot, B gone', () => {
    expect(step(6)).to.deep.include({ hostname: 'host-c', etcIca: ['c'], ignitionFirstboot: false });
    expect(step(6).status).to.deep.include({ in_effect: true });
    expect(step(6).status.reprovision).to.include({ sha256: sha256(CONFIGS.c), phase: 'complete' });
  });

  it('rollback boots the previous deployment again, its /var restored', () => {
    expect(step(7)).to.deep.include({ hostname: 'host-b', etcIca: ['b'], varFiles: KEPT });
    expect(step(7).status.reprovision).to.include({ sha256: sha256(CONFIGS.c), phase: 'rolled-back' });
    expect(step(7).status).to.deep.include({ in_effect: false });
  });

  it('every boot that reached the boot report had exactly one config', () => {
    expect(vm.run.boots.length).to.be.at.least(STEPS.length);
    for (const boot of vm.run.boots)
      expect([['a'], ['b'], ['c']], JSON.stringify(boot)).to.deep.include(Object.keys(boot.etcIca));
  });
});
