/**
 * The apply script run by a real `sh` (without unshare), with recording fakes
 * of mount, Ignition, systemd-tmpfiles and setfiles first on PATH: the order of
 * the steps, the /var population rules, and stopping at the first failure.
 */
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import type { RunResult } from '../../../common/exec/runner.js';
import { APPLY_SCRIPT, STAGE_MARKER, lastStep } from '../../../reprovision/staged/apply-script.js';

/** A fake that appends its name and arguments to $LOG, and fails when $FAIL matches its arguments. */
const FAKE =
  '#!/bin/sh\necho "$(basename "$0") $*" >> "$LOG"\ncase " $* " in *" $FAIL "*) echo "CRITICAL : boom" ; exit 3 ;; esac\n';

describe('reprovision/staged/apply-script', () => {
  let dir: string;
  let root: string;
  let log: string;
  let bin: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apply script $(x) '));
    root = join(dir, 'new root');
    log = join(dir, 'log');
    bin = join(dir, 'bin');
    await mkdir(join(root, 'var'), { recursive: true });
    await mkdir(join(root, 'etc', 'selinux'), { recursive: true });
    await writeFile(join(root, 'etc', 'selinux', 'config'), 'SELINUX=enforcing\nSELINUXTYPE=targeted\n');
    await mkdir(bin);
    for (const tool of ['mount', 'ignition', 'systemd-tmpfiles', 'setfiles']) {
      await writeFile(join(bin, tool), FAKE, { mode: 0o755 });
    }
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(populate: 'yes' | 'no', fail = '-'): Promise<RunResult & { log: string[] }> {
    const argv = ['sh', '-c', APPLY_SCRIPT, 'sh', '/fresh var', root, join(bin, 'ignition'), populate, '-root', root];
    const env = { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, LOG: log, FAIL: fail };
    const result = await new ExecaRunner().run(argv, { env, okExitCodes: [0, 3] });
    const text = await readFile(log, 'utf8').catch(() => '');
    return { ...result, log: text.split('\n').filter((l) => l !== '') };
  }

  it('bind-mounts, runs mount, populates /var (tmpfiles + relabel), then files and umount', async () => {
    const result = await run('yes');

    const relabel = (d: string): string =>
      `setfiles -vFi0 -r ${root} ${root}/etc/selinux/targeted/contexts/files/file_contexts ${root}/var/${d}`;
    const tmpfiles = (d: string): string[] => [
      `systemd-tmpfiles --create --boot --root=${root} --prefix=/var/${d}`,
      relabel(d),
    ];
    expect(result.exitCode).to.equal(0);
    expect(result.log).to.deep.equal([
      `mount --bind /fresh var ${root}/var`,
      `ignition -stage mount -root ${root}`,
      relabel('lib'),
      relabel('log'),
      ...['home', 'roothome', 'opt', 'srv', 'usrlocal', 'mnt', 'media'].flatMap(tmpfiles),
      `ignition -stage files -root ${root}`,
      `ignition -stage umount -root ${root}`,
    ]);
    expect(result.stdout.split('\n').filter((l) => l.startsWith(STAGE_MARKER))).to.deep.equal(
      ['mount', 'populate-var', 'files', 'umount'].map((s) => `${STAGE_MARKER}${s}`),
    );
  });

  it('leaves existing /var directories alone and relabels nothing without an SELinux config', async () => {
    await mkdir(join(root, 'var', 'home'));
    await rm(join(root, 'etc', 'selinux'), { recursive: true });

    const result = await run('yes');

    expect(result.log.filter((l) => l.startsWith('setfiles'))).to.deep.equal([]);
    expect(result.log.filter((l) => l.includes('--prefix=/var/home'))).to.deep.equal([]);
    expect(result.log.filter((l) => l.startsWith('systemd-tmpfiles'))).to.have.length(6);
  });

  it('skips the population when told no', async () => {
    const result = await run('no');

    expect(result.log).to.deep.equal([
      `mount --bind /fresh var ${root}/var`,
      `ignition -stage mount -root ${root}`,
      `ignition -stage files -root ${root}`,
      `ignition -stage umount -root ${root}`,
    ]);
    expect(result.stdout).to.not.include('populate-var');
  });

  it('stops at the first failing stage with its exit code', async () => {
    const result = await run('no', 'files');

    expect(result.exitCode).to.equal(3);
    expect(result.log.at(-1)).to.equal(`ignition -stage files -root ${root}`);
    expect(lastStep(result.stdout)).to.equal('files');
  });

  it('stops before any stage when the bind mount fails', async () => {
    const result = await run('yes', '--bind');

    expect(result.exitCode).to.equal(3);
    expect(result.log).to.have.length(1);
    expect(lastStep(result.stdout)).to.equal(null);
  });

  describe('lastStep', () => {
    const rows: { name: string; stdout: string; expected: string | null }[] = [
      { name: 'nothing ran', stdout: '', expected: null },
      { name: 'one step', stdout: `${STAGE_MARKER}mount\nINFO : mount passed\n`, expected: 'mount' },
      {
        name: 'the last marker wins',
        stdout: `${STAGE_MARKER}mount\n${STAGE_MARKER}populate-var\n`,
        expected: 'populate-var',
      },
      { name: 'an unknown name is ignored', stdout: `${STAGE_MARKER}mount\n${STAGE_MARKER}disks\n`, expected: 'mount' },
    ];
    for (const row of rows) {
      it(row.name, () => {
        expect(lastStep(row.stdout)).to.equal(row.expected);
      });
    }
  });
});
