import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateNamespaceArgv, REMOUNT_SCRIPT } from '../../reprovision/namespace.js';

describe('reprovision/namespace', () => {
  it('re-runs the command under unshare with the sysroot and /boot of the root as arguments, never in the script', () => {
    const argv = privateNamespaceArgv('/mnt/host', ['/usr/bin/node', 'cli.js', 'reprovision', 'apply', "it's"]);
    expect(argv.slice(0, 8)).to.deep.equal([
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      REMOUNT_SCRIPT,
    ]);
    expect(argv.slice(8)).to.deep.equal([
      'sh',
      '/mnt/host/sysroot',
      '/mnt/host/boot',
      '/usr/bin/node',
      'cli.js',
      'reprovision',
      'apply',
      "it's",
    ]);
    expect(REMOUNT_SCRIPT).to.not.include('/mnt/host');
  });

  it('remounts only in the private namespace and execs the command', () => {
    expect(REMOUNT_SCRIPT).to.match(/^mount -o remount,rw "\$sysroot"$/m);
    expect(REMOUNT_SCRIPT.trim().split('\n').pop()).to.equal('exec "$@"');
  });
});

describe('reprovision/namespace (real mounts, root)', () => {
  let root = '';
  before(function () {
    if (process.getuid?.() !== 0) this.skip();
    root = mkdtempSync(join(tmpdir(), 'ica-ns-'));
    for (const dir of ['sysroot', 'boot']) {
      const path = join(root, dir);
      mkdirSync(path);
      execFileSync('mount', ['--bind', path, path]);
      execFileSync('mount', ['-o', 'remount,bind,ro', path]);
    }
  });
  after(() => {
    if (root === '') return;
    for (const dir of ['sysroot', 'boot']) execFileSync('umount', [join(root, dir)]);
    rmSync(root, { recursive: true, force: true });
  });

  it('writes through read-only mounts inside the namespace only', () => {
    const write = ['sh', '-c', 'echo x > "$0/sysroot/written" && echo y > "$0/boot/written"', root];
    execFileSync(privateNamespaceArgv(root, write)[0]!, privateNamespaceArgv(root, write).slice(1));
    expect(readFileSync(join(root, 'sysroot/written'), 'utf8')).to.equal('x\n');
    expect(readFileSync(join(root, 'boot/written'), 'utf8')).to.equal('y\n');
    expect(() => writeFileSync(join(root, 'sysroot/outside'), 'z')).to.throw(/EROFS/);
    expect(() => writeFileSync(join(root, 'boot/outside'), 'z')).to.throw(/EROFS/);
  });
});
