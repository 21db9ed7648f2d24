/**
 * Reprovisioning in the booted VM (test/e2e/reprovision-*.test.ts): Ignition
 * configs that name the node, the facts each job step records after a boot,
 * and a VM run that boots the installed disk with the job disk attached.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Runner } from '../../common/exec/runner.js';
import { parseBootReport, type BootReport } from '../../testbed/vm/boot-report.js';
import { buildJobDisk, readJobOutput, type StepResult } from '../../testbed/vm/job-disk.js';
import { withMachine, type Machine } from '../../testbed/vm/machine.js';
import { diskCopy, useCoreosImage, writeFirstboot } from './coreos-vm.js';
import { productJobFiles, productSkipReason } from './vm-job.js';
import { ExecaRunner } from '../../common/exec/execa-runner.js';

/** An Ignition 3.3.0 config setting the hostname `host-<name>` and writing `/etc/ica/<name>`. */
export function namedConfig(name: string): string {
  const file = (path: string, text: string) => ({
    path,
    mode: 0o644,
    overwrite: true,
    contents: { source: `data:,${encodeURIComponent(text)}` },
  });
  return JSON.stringify({
    ignition: { version: '3.3.0' },
    storage: { files: [file('/etc/hostname', `host-${name}\n`), file(`/etc/ica/${name}`, `config ${name}\n`)] },
  });
}

/** sha256 of a config's text, as `reprovision status` reports it. */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Shell recording what is in effect, into the step's directory on the job disk. */
export const RECORD = `
cat /proc/sys/kernel/random/boot_id > boot_id
hostname > hostname
ls /etc/ica > etc-ica
for p in /var/lib/ica-keep/data /var/lib/ica-drop/data; do [ -e "$p" ] && echo "$p"; done > var-files
if tr ' ' '\\n' < /proc/cmdline | grep -qx ignition.firstboot; then echo yes; else echo no; fi > firstboot
(cd /boot && ls -d ignition.firstboot ignition) > boot-ignition 2>/dev/null
ironic-coreos-agent reprovision status --json > status.json
echo $? > status.rc
ostree admin status > ostree-status 2>&1
journalctl -b --no-pager -o short-monotonic -u ironic-coreos-agent-reprovision-switch.service \
  -u ironic-coreos-agent-reprovision-boot.service > units.log 2>&1
sync
`;

/** A step that records, then runs `command`, which must reboot the machine (or be cut off): it reports only on failure. */
export const rebooting = (command: string): string => `${RECORD}\n${command} || exit $?\nsleep 600\nexit 99\n`;

/** What a step recorded. */
export interface Recorded {
  bootId: string;
  hostname: string;
  etcIca: string[];
  varFiles: string[];
  /** Whether this boot ran Ignition (`ignition.firstboot` on the kernel command line). */
  ignitionFirstboot: boolean;
  /** What was left of /boot/ignition.firstboot and /boot/ignition once the boot finished. */
  bootIgnition: string[];
  status: {
    in_effect: boolean;
    reprovision: { sha256: string; phase: string } | null;
    deployments: Array<{ id: string; default: boolean; booted: boolean }>;
  };
}

/** Reads what `step` recorded. */
export function recorded(step: StepResult | undefined): Recorded {
  if (step === undefined) throw new Error('the step never ran');
  const read = (f: string) => readFileSync(join(step.dir, f), 'utf8').trim();
  const lines = (f: string) =>
    read(f)
      .split('\n')
      .filter((l) => l !== '');
  expect(read('status.rc'), `reprovision status failed:\n${step.log}`).to.equal('0');
  return {
    bootId: read('boot_id'),
    hostname: read('hostname'),
    etcIca: lines('etc-ica'),
    varFiles: lines('var-files'),
    ignitionFirstboot: read('firstboot') === 'yes',
    bootIgnition: lines('boot-ignition'),
    status: JSON.parse(read('status.json')) as Recorded['status'],
  };
}

/** A job step's report on the completion port: the end of a run. */
export const JOB_REPORT = /ICA-VM-JOB (step=\d+ rc=\d+|done|error=\S+)\n/;

/** What a run gave. */
export interface JobRun {
  results: Map<number, StepResult>;
  boots: BootReport[];
  /** The first job report line. */
  report: string;
  /** The guest kernel panics the runner answered with a reset (testbed/vm/kernel-panic.ts). */
  panics: readonly string[];
  /** The serial console's text, kept on the host: what a power cut took from the job disk's logs is still here. */
  console: string;
}

/**
 * Copies the image, installs `installed` as its first-boot config, builds the
 * job disk (the product, `configs/<name>.ign` from `configs`, the steps),
 * boots, lets `drive` act on the machine, waits for the job's first report
 * and returns the steps' results and every boot's report line.
 */
export async function runReprovisionVm(o: {
  image: string;
  dir: string;
  installed: string;
  configs: Record<string, string>;
  steps: readonly string[];
  hardTimeoutMs: number;
  runner: Runner;
  drive?: (m: Machine) => Promise<void>;
}): Promise<JobRun> {
  const disk = diskCopy(o.image, o.dir, 'disk.img');
  writeFirstboot(disk, o.dir, { config: o.installed });
  const files = Object.entries(o.configs).map(([name, text]) => ({ path: `configs/${name}.ign`, content: text }));
  const job = await buildJobDisk(
    { steps: o.steps, files: [...productJobFiles(), ...files] },
    join(o.dir, 'job'),
    o.runner,
  );
  const disks = [
    { file: disk, serial: 'primary', bootIndex: 0 },
    { file: job, serial: 'ica-job' },
  ];
  const consoleCopy = join(o.dir, 'console.log');
  let failure: unknown;
  let panics: readonly string[] = [];
  let consoleText = '';
  const completion = await withMachine({ hardTimeoutMs: o.hardTimeoutMs, memoryMiB: 2048, disks }, async (m) => {
    try {
      await o.drive?.(m);
      await m.completion.waitFor(JOB_REPORT);
    } catch (error) {
      failure = error;
    }
    await m.quit();
    panics = m.panics;
    consoleText = m.console.text;
    copyFileSync(m.consoleLog, consoleCopy);
    return m.completion.text;
  });
  const lines = completion.split('\n');
  const run = {
    results: await readJobOutput(job, join(o.dir, 'out'), o.runner),
    boots: lines.filter((l) => l.startsWith('ICA-VM-BOOTED')).map(parseBootReport),
    report: lines.find((l) => l.startsWith('ICA-VM-JOB')) ?? '',
    panics,
    console: consoleText,
  };
  if (failure !== undefined) throw new Error(`${String(failure)}\n${describeRun(run, consoleCopy)}`);
  return run;
}

/** What each step did and where the console went, for a failure's message. */
export function describeRun(run: JobRun, consoleLog: string): string {
  const steps = [...run.results].map(([n, r]) => {
    const units = existsSync(join(r.dir, 'units.log')) ? readFileSync(join(r.dir, 'units.log'), 'utf8') : '';
    return `step ${n} (rc ${r.rc}):\n${r.log.split('\n').slice(-15).join('\n')}\nits boot's reprovision units:\n${units}`;
  });
  const kept = join(tmpdir(), `ica-vm-console-${Date.now()}.log`);
  copyFileSync(consoleLog, kept);
  const panics = run.panics.length === 0 ? '' : `guest kernel panics: ${run.panics.join('; ')}\n`;
  return `${run.boots.length} boot report(s); ${steps.join('\n')}\n${panics}the serial console: ${kept}`;
}

/** The log of the first step that failed, for an assertion message. */
export function failedStep(results: Map<number, StepResult>): string {
  const failed = [...results].find(([, r]) => r.rc !== null && r.rc !== 0);
  return failed === undefined ? '' : `step ${failed[0]} failed (rc ${failed[1].rc}):\n${failed[1].log}`;
}

/**
 * Waits for the `occurrence`-th `pattern` on the console (counted from offset
 * `from` of its text), failing at once when the job reports first (a step
 * failed instead of reaching the point).
 */
export async function untilConsole(m: Machine, pattern: RegExp, occurrence = 1, from = 0): Promise<void> {
  const report = m.completion.waitFor(JOB_REPORT).then((line) => {
    throw new Error(`the job reported "${line.trim()}" before the console showed ${pattern}`);
  });
  await Promise.race([m.waitForConsole(pattern, occurrence, from), report]);
  report.catch(() => undefined);
}

/** What {@link useReprovisionVm} runs. */
export interface ReprovisionVmSpec {
  installed: string;
  configs: Record<string, string>;
  steps: readonly string[];
  hardTimeoutMs: number;
  drive?: (m: Machine) => Promise<void>;
}

/**
 * Registers, in the calling `describe`, a `before` hook that skips (saying
 * why: no qemu, OVMF, image or build) or runs `spec` once and checks that the
 * last step, and only it, reported success; returns the run, filled in then.
 */
export function useReprovisionVm(prefix: string, spec: ReprovisionVmSpec): { run: JobRun } {
  const ctx = useCoreosImage(prefix);
  const holder: { run: JobRun } = { run: { results: new Map(), boots: [], report: '', panics: [], console: '' } };
  before(async function () {
    const reason = productSkipReason();
    if (reason !== undefined) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    holder.run = await runReprovisionVm({ ...spec, image: ctx.image, dir: ctx.dir, runner: new ExecaRunner() });
    // only the last step reports: the others reboot the machine (or are cut off)
    expect(holder.run.report, failedStep(holder.run.results)).to.equal(`ICA-VM-JOB step=${spec.steps.length} rc=0`);
  });
  return holder;
}
