import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { buildJobDisk, checkJobPath, jobDiskSizeMiB, mkfsArgv, readJobOutput } from '../../../testbed/vm/job-disk.js';

describe('testbed/vm/job-disk', () => {
  describe('checkJobPath', () => {
    for (const ok of ['bin/node', 'a', 'x/../y']) it(`accepts ${ok}`, () => expect(checkJobPath(ok)).to.be.a('string'));
    for (const bad of ['', '/etc/passwd', '..', '../x', 'a/../../b', '.'])
      it(`refuses ${JSON.stringify(bad)}`, () => expect(() => checkJobPath(bad)).to.throw(/must be relative/));
  });

  it('sizes the filesystem a third above its content plus the output room', () => {
    expect(jobDiskSizeMiB(0)).to.equal(64);
    expect(jobDiskSizeMiB(3 * 1048576)).to.equal(68);
    expect(jobDiskSizeMiB(3 * 1048576, 8)).to.equal(12);
  });

  it('labels the filesystem ica-job', () => {
    expect(mkfsArgv('/t/j.img', '/t/tree', 70)).to.deep.equal([
      'mkfs.ext4',
      '-q',
      '-F',
      '-L',
      'ica-job',
      '-d',
      '/t/tree',
      '/t/j.img',
      '70M',
    ]);
  });

  describe('on a real filesystem (mkfs.ext4, debugfs)', () => {
    const runner = new ExecaRunner();
    let dir = '';
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ica-job-test-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a job without steps', async () => {
      let error: unknown;
      await buildJobDisk({ steps: [] }, dir, runner).catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/at least one step/);
    });

    it('holds the steps, the files with their modes, and reads back what a guest wrote', async () => {
      const source = join(dir, 'tool');
      writeFileSync(source, '#!/bin/sh\n', { mode: 0o750 });
      const image = await buildJobDisk(
        {
          steps: ['echo one\n', 'echo two\n'],
          files: [
            { path: 'bin/tool', source },
            { path: 'etc/config.ign', content: '{}', mode: 0o600 },
          ],
        },
        join(dir, 'build'),
        runner,
      );
      const stat = async (p: string) => (await runner.run(['debugfs', '-R', `stat ${p}`, image])).stdout;
      expect(await stat('/steps/2')).to.match(/Mode:\s+0755/);
      expect(await stat('/bin/tool')).to.match(/Mode:\s+0750/);
      expect(await stat('/etc/config.ign')).to.match(/Mode:\s+0600/);
      const label = await runner.run(['blkid', '-o', 'value', '-s', 'LABEL', image]);
      expect(label.stdout.trim()).to.equal('ica-job');
      // what run-job leaves: step 1 finished, step 2 cut off before its exit code
      const out = join(dir, 'guest');
      writeFileSync(join(dir, 'log1'), 'one\n');
      writeFileSync(join(dir, 'rc1'), '0\n');
      writeFileSync(join(dir, 'log2'), 'two\n');
      const cmds = ['mkdir /out/1', 'mkdir /out/2', `write ${dir}/log1 /out/1/log`, `write ${dir}/rc1 /out/1/rc`];
      writeFileSync(join(dir, 'cmds'), [...cmds, `write ${dir}/log2 /out/2/log`].join('\n'));
      await runner.run(['debugfs', '-w', '-f', join(dir, 'cmds'), image]);
      const results = await readJobOutput(image, out, runner);
      expect([...results.keys()]).to.deep.equal([1, 2]);
      expect(results.get(1)).to.include({ rc: 0, log: 'one\n' });
      expect(results.get(2)).to.include({ rc: null, log: 'two\n' });
    });
  });
});
