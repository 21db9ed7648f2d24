/**
 * Power cuts during a reprovision (issue 15): in the booted CoreOS-like VM,
 * `reprovision apply --now` of config B over the installed A is cut by a hard
 * reset (QMP `system_reset`: what was not on disk is lost) at five points, and
 * after each the machine boots into one complete config, never a mix, and the
 * same command run again finishes the job:
 * 1. before the stamp: the config fetched and checked, nothing written (apply
 *    held there by ICA_REPROVISION_HOLD, reprovision/test-hooks.ts);
 * 2. right after the stamp and the config's copy are written (held the same way);
 * 3. after the new deployment is made, before the switch (held the same way);
 * 4. during the swap at shutdown, /var moved aside and the new one not yet in
 *    (the switch script held; the next boot finishes the switch and reboots);
 * 5. during Ignition's files stage at the first boot of the new deployment
 *    (the reset lands when the console shows the stage starting).
 * One VM, seven boots. Skips like the VM tests; bounded by the hard timeout.
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

const HARD_TIMEOUT_MS = 1_800_000;
const CONFIGS = { a: namedConfig('a'), b: namedConfig('b') };
const APPLY_B = `ironic-coreos-agent reprovision apply --now ${JOB_MOUNT}/configs/b.ign`;

const STEPS = [
  rebooting(`ICA_REPROVISION_HOLD=apply:checked ${APPLY_B}`),
  rebooting(`ICA_REPROVISION_HOLD=apply:started ${APPLY_B}`),
  rebooting(`ICA_REPROVISION_HOLD=apply:deployed ${APPLY_B}`),
  // the switch runs at shutdown, from systemd: the hold goes through the manager's environment
  rebooting(`systemctl set-environment ICA_REPROVISION_HOLD=switch:moved\n${APPLY_B}`),
  // after the Ignition boot that was cut and the one that completed: a rerun finishes (nothing left to do)
  `${RECORD}\n${APPLY_B.replace(' --now', '')} > rerun.out 2>&1\necho $? > rerun.rc\n`,
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

describe('e2e: power cuts during a reprovision (in the VM)', function () {
  this.timeout(HARD_TIMEOUT_MS + 120_000);
  const vm = useReprovisionVm('ica-reprovision-cut-', {
    installed: CONFIGS.a,
    configs: CONFIGS,
    steps: STEPS,
    hardTimeoutMs: HARD_TIMEOUT_MS,
    drive: cutPower,
  });

  const step = (n: number) => recorded(vm.run.results.get(n));

  it('a cut before the stamp leaves no trace of the reprovision', () => {
    expect(step(2).status.reprovision).to.equal(null);
  });

  it('boots into A, complete, after the cuts before the switch', () => {
    for (const n of [2, 3, 4])
      expect(step(n), `boot of step ${n}`).to.deep.include({ hostname: 'host-a', etcIca: ['a'] });
  });

  it("a cut during the swap or during the new deployment's Ignition boot ends in B, complete", () => {
    expect(step(5)).to.deep.include({ hostname: 'host-b', etcIca: ['b'] });
    expect(step(5).status).to.deep.include({ in_effect: true });
    expect(step(5).status.reprovision).to.include({ sha256: sha256(CONFIGS.b), phase: 'complete' });
  });

  it('every boot that reached the boot report had exactly one config', () => {
    for (const boot of vm.run.boots)
      expect([['a'], ['b']], JSON.stringify(boot)).to.deep.include(Object.keys(boot.etcIca));
  });

  it('the same command run again completes', () => {
    const last = vm.run.results.get(STEPS.length);
    expect(readFileSync(join(last?.dir ?? '', 'rerun.rc'), 'utf8').trim(), last?.log).to.equal('0');
  });
});
