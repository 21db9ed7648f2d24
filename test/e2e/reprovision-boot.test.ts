/**
 * Reprovision, then boot (issue 15): in the booted CoreOS-like VM, the product
 * (this Node and the bundled CLI, from a job disk) reprovisions the node in
 * place, `reprovision apply --now`, in both modes, then `rollback --now`; each
 * reboot is the guest's own, through firmware, GRUB's BLS entries and the
 * initramfs (Ignition at the first boot of a firstboot-mode deployment). After
 * each boot the job's next step records what is in effect: /etc's files of
 * the config, the hostname, the /var paths kept or dropped, `status --json`.
 *
 * One VM, four boots: A (installed, Ignition at first boot) → B (firstboot
 * mode, `--keep /var/lib/ica-keep`) → C (staged mode) → rollback (B's
 * deployment again, /var restored from the backup). It is also the proof that
 * the image's GRUB reads ostree's BLS entries at boot, as FCOS's does: B and C
 * are deployments made after the image was built, B's entry has
 * `$ignition_firstboot` expanded (an Ignition boot), and the rollback boots an
 * older entry again; a grub.cfg written at build time fails all three. Skips
 * like the VM tests (test/helpers/coreos-vm.ts); bounded by the VM's hard
 * timeout.
 */
import { expect } from 'chai';
import { JOB_MOUNT } from '../../testbed/vm/job-disk.js';
import { RECORD, namedConfig, rebooting, recorded, sha256, useReprovisionVm } from '../helpers/vm-reprovision.js';

const HARD_TIMEOUT_MS = 1_500_000;
const CONFIGS = { a: namedConfig('a'), b: namedConfig('b'), c: namedConfig('c') };

const STEPS = [
  rebooting(
    'mkdir -p /var/lib/ica-keep /var/lib/ica-drop\necho keep > /var/lib/ica-keep/data\n' +
      'echo drop > /var/lib/ica-drop/data\nsync\n' +
      `ironic-coreos-agent reprovision apply --now --keep /var/lib/ica-keep ${JOB_MOUNT}/configs/b.ign`,
  ),
  rebooting(`ironic-coreos-agent reprovision apply --now --mode staged ${JOB_MOUNT}/configs/c.ign`),
  rebooting('ironic-coreos-agent reprovision rollback --now'),
  RECORD,
];

describe('e2e: reprovision, then boot (in the VM)', function () {
  this.timeout(HARD_TIMEOUT_MS + 120_000);
  const vm = useReprovisionVm('ica-reprovision-boot-', {
    installed: CONFIGS.a,
    configs: CONFIGS,
    steps: STEPS,
    hardTimeoutMs: HARD_TIMEOUT_MS,
  });

  const step = (n: number) => recorded(vm.run.results.get(n));

  it('boots four times, each step on its own boot', () => {
    expect(vm.run.boots).to.have.length(STEPS.length);
    expect(new Set([1, 2, 3, 4].map((n) => step(n).bootId)).size).to.equal(STEPS.length);
  });

  it('installed: config A in effect, nothing reprovisioned yet', () => {
    expect(step(1)).to.deep.include({ hostname: 'host-a', etcIca: ['a'] });
    expect(step(1).status.reprovision).to.equal(null);
  });

  it('firstboot mode: B in effect after an Ignition boot, A gone, the kept path kept', () => {
    expect(vm.run.boots[1]).to.deep.include({ ignitionFirstboot: true, bootIgnition: [] });
    expect(step(2)).to.deep.include({ hostname: 'host-b', etcIca: ['b'], varFiles: ['/var/lib/ica-keep/data'] });
    expect(step(2).status).to.deep.include({ in_effect: true });
    expect(step(2).status.reprovision).to.include({ sha256: sha256(CONFIGS.b), phase: 'complete' });
  });

  it('staged mode: C in effect without Ignition at boot, B gone', () => {
    expect(vm.run.boots[2]).to.include({ ignitionFirstboot: false });
    expect(step(3)).to.deep.include({ hostname: 'host-c', etcIca: ['c'] });
    expect(step(3).status).to.deep.include({ in_effect: true });
    expect(step(3).status.reprovision).to.include({ sha256: sha256(CONFIGS.c), phase: 'complete' });
  });

  it('rollback boots the previous deployment again, its /var restored', () => {
    expect(step(4)).to.deep.include({ hostname: 'host-b', etcIca: ['b'], varFiles: ['/var/lib/ica-keep/data'] });
    expect(step(4).status.reprovision).to.include({ sha256: sha256(CONFIGS.c), phase: 'rolled-back' });
    expect(step(4).status).to.deep.include({ in_effect: false });
  });
});
