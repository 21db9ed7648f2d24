/**
 * The job disk runs commands in the booted guest, one step per boot: the
 * product (this Node and the bundled CLI) runs there, a step that reboots is
 * not run again, and what each step wrote comes back to the host. Skips like
 * coreos-image.test.ts; every boot is bounded by the VM's hard timeout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { packageVersion } from '../../../common/cli/version.js';
import { buildJobDisk, readJobOutput } from '../../../testbed/vm/job-disk.js';
import { withMachine } from '../../../testbed/vm/machine.js';
import { diskCopy, removeFirstboot, useCoreosImage } from '../../helpers/coreos-vm.js';
import { productJobFiles, productSkipReason } from '../../helpers/vm-job.js';

const HARD_TIMEOUT_MS = 600_000;

describe('testbed/vm job disk in a booted guest', function () {
  this.timeout(HARD_TIMEOUT_MS + 60_000);
  const ctx = useCoreosImage('ica-vm-job-');
  const runner = new ExecaRunner();

  before(function () {
    const reason = productSkipReason();
    if (reason !== undefined) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
  });

  it('runs one step per boot, the product included, and brings the results back', async () => {
    const disk = diskCopy(ctx.image, ctx.dir, 'disk.img');
    removeFirstboot(disk, ctx.dir);
    const job = await buildJobDisk(
      {
        steps: [
          'cat /proc/sys/kernel/random/boot_id > boot_id\nironic-coreos-agent --version > version\nsync\nsystemctl reboot\n',
          'cat /proc/sys/kernel/random/boot_id > boot_id\nexit 3\n',
        ],
        files: productJobFiles(),
      },
      join(ctx.dir, 'job'),
      runner,
    );
    const lines = await withMachine(
      {
        hardTimeoutMs: HARD_TIMEOUT_MS,
        memoryMiB: 2048,
        disks: [
          { file: disk, serial: 'primary', bootIndex: 0 },
          { file: job, serial: 'ica-job' },
        ],
      },
      async (m) => {
        await m.completion.waitFor(/ICA-VM-JOB step=2 rc=\d+\n/);
        await m.quit();
        return m.completion.text.split('\n').filter((l) => l.startsWith('ICA-VM-JOB'));
      },
    );
    expect(lines.at(-1)).to.equal('ICA-VM-JOB step=2 rc=3');
    const results = await readJobOutput(job, join(ctx.dir, 'out'), runner);
    expect([...results.keys()]).to.deep.equal([1, 2]);
    const read = (n: number, f: string) => readFileSync(join(results.get(n)?.dir ?? '', f), 'utf8').trim();
    expect(read(1, 'version')).to.equal(await packageVersion());
    expect(read(1, 'boot_id')).to.match(/^[0-9a-f-]{36}$/);
    expect(read(2, 'boot_id')).to.not.equal(read(1, 'boot_id'));
    expect(results.get(2)?.rc).to.equal(3);
  });
});
