import { expect } from 'chai';
import { lstatSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import {
  buildCoreosSysroot,
  FCOS_KARGS,
  FCOS_REF,
  FCOS_STATEROOT,
  kargArguments,
  sysrootUnavailableReason,
  type CoreosSysroot,
  type CoreosSysrootOptions,
} from '../../testbed/ostree-sysroot.js';
import { ostreeVersion, recentOstree } from '../../testbed/ostree-tools.js';
import { readBlsEntries } from '../../testbed/sysroot-bls.js';
import { fingerprintDiff, sysrootFingerprint } from '../../testbed/sysroot-fingerprint.js';
import { CORE_UID, KEEP_PATH } from '../../testbed/sysroot-tree.js';

/** The `<stateroot> <checksum>.<serial>` pairs of `ostree admin status` (text, any version). */
function statusDeployments(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => /^[* ] (\S+) ([0-9a-f]{64}\.\d+)/.exec(line))
    .filter((match) => match !== null)
    .map((match) => `${match[1] ?? ''} ${match[2] ?? ''}`);
}

describe('testbed/ostree-sysroot kargArguments', () => {
  it('deploys kargs with --karg-none and one --karg-append each, so that their order and repeats are kept', () => {
    expect(kargArguments(['a=1', '$ignition_firstboot', 'console=tty0', 'console=ttyS0'])).to.deep.equal([
      '--karg-none',
      '--karg-append=a=1',
      '--karg-append=$ignition_firstboot',
      '--karg-append=console=tty0',
      '--karg-append=console=ttyS0',
    ]);
  });
});

describe('testbed/ostree-sysroot (real ostree)', function () {
  this.timeout(120_000);
  const runner = new ExecaRunner();
  const built: CoreosSysroot[] = [];
  const build = async (options: CoreosSysrootOptions = {}): Promise<CoreosSysroot> => {
    const sysroot = await buildCoreosSysroot({ runner, ...options });
    built.push(sysroot);
    return sysroot;
  };
  /** A second deployment of the same ref, appended (not the default), with the machine's ostree. */
  const deployNotAsDefault = (s: CoreosSysroot, ostree = 'ostree') =>
    runner.run(
      [ostree, 'admin', 'deploy', `--sysroot=${s.sysroot}`, `--os=${FCOS_STATEROOT}`].concat([
        '--retain',
        '--not-as-default',
        FCOS_REF,
      ]),
    );

  before(function () {
    const reason = sysrootUnavailableReason();
    if (reason !== undefined) {
      console.log(`      (skipping: ${reason})`);
      this.skip();
    }
  });
  after(async () => {
    for (const s of built) await s.cleanup();
  });

  it('builds a sysroot in which ostree admin status lists one deployment of fedora-coreos', async () => {
    const s = await build();

    const { stdout } = await runner.run(['ostree', 'admin', 'status', `--sysroot=${s.sysroot}`]);

    expect(statusDeployments(stdout)).to.deep.equal([`fedora-coreos ${s.deployment}`]);
    expect(s.deployment).to.equal(`${s.commits[0] ?? ''}.0`);
    expect(s.sysroot.startsWith('/var/tmp/')).to.equal(true);
  });

  it('gives the BLS entry the Fedora CoreOS kargs in order, $ignition_firstboot literal, then ostree=', async () => {
    const s = await build({ extraKargs: ['ip=dhcp'] });

    const entries = readBlsEntries(s.sysroot);

    expect(entries).to.have.length(1);
    const expected = [...FCOS_KARGS, 'ip=dhcp'].join(' ').replace(/[$.*+?^()[\]{}|\\]/g, '\\$&');
    expect(entries[0]?.options).to.match(
      new RegExp(`^${expected} ostree=/ostree/boot\\.[01]/fedora-coreos/[0-9a-f]{64}/0$`),
    );
    expect(entries[0]?.options).to.equal(s.blsOptions);
    expect(entries[0]?.deployment).to.equal(s.deployment);
    expect(entries[0]?.title).to.match(/^Fedora CoreOS 40\.\S+ \(ostree:0\)$/);
  });

  it("fills the stateroot's /var: core's key 0600 and core's, the xattr, the symlink, the kept path", async () => {
    const s = await build();

    const key = lstatSync(join(s.varDir, 'home/core/.ssh/authorized_keys'));
    const { stdout } = await runner.run([
      'getfattr',
      '--only-values',
      '-n',
      'user.test',
      join(s.varDir, 'lib/xattr-test/file'),
    ]);

    expect([key.mode & 0o7777, key.uid, key.gid]).to.deep.equal([0o600, CORE_UID, CORE_UID]);
    expect(stdout).to.equal('kept');
    expect(lstatSync(join(s.varDir, 'lib/alternatives/editor')).isSymbolicLink()).to.equal(true);
    expect(lstatSync(join(s.varDir, KEEP_PATH, 'data')).isFile()).to.equal(true);
  });

  it('fingerprints the same sysroot alike twice, and differently once a /var file is touched', async () => {
    const s = await build();
    const first = await sysrootFingerprint(s.sysroot, runner);
    const second = await sysrootFingerprint(s.sysroot, runner);

    utimesSync(join(s.varDir, 'lib/containers/storage/x'), new Date(), new Date('2020-01-01T00:00:00Z'));
    const touched = await sysrootFingerprint(s.sysroot, runner);

    expect(second.digest).to.equal(first.digest);
    expect(touched.digest).to.not.equal(first.digest);
    const diff = fingerprintDiff(first, touched);
    expect(diff).to.have.length(2);
    expect(diff.every((line) => line.includes(' lib/containers/storage/x file '))).to.equal(true);
  });

  it('fingerprints differently after ostree admin deploy --not-as-default (the default stays)', async () => {
    const s = await build();
    const before = await sysrootFingerprint(s.sysroot, runner);

    await deployNotAsDefault(s);
    const after = await sysrootFingerprint(s.sysroot, runner);

    expect(after.digest).to.not.equal(before.digest);
    const added = fingerprintDiff(before, after).filter((line) => line.startsWith('+ '));
    expect(added.some((line) => line.startsWith(`+ origin fedora-coreos/${s.commits[0] ?? ''}.1.origin`))).to.equal(
      true,
    );
    expect(readBlsEntries(s.sysroot).map((entry) => entry.deployment)).to.deep.equal([
      s.deployment,
      `${s.commits[0] ?? ''}.1`,
    ]);
  });

  describe("with forky's ostree (testbed/ostree-tools.ts)", () => {
    let dir: string;
    let ostree: string;

    before(async function () {
      this.timeout(30 * 60_000); // builds the forky root when it is not cached
      dir = mkdtempSync('/tmp/ica-recent-ostree-');
      const recent = await recentOstree(dir);
      if (recent.path === undefined) {
        console.log(`      (skipping: ${recent.reason})`);
        this.skip();
      }
      ostree = recent.path;
    });
    after(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('reports a 2026 version', async () => {
      expect(await ostreeVersion(ostree, runner)).to.match(/^2026\.\d+$/);
    });

    it('lists both deployments with admin status --json; admin set-default 1 makes the second the default', async () => {
      const s = await build({ secondDeployment: true });
      const status = async () => {
        const { stdout } = await runner.run([ostree, 'admin', 'status', '--json', `--sysroot=${s.sysroot}`]);
        const parsed = JSON.parse(stdout) as {
          deployments: Array<{ checksum: string; serial: number; stateroot: string }>;
        };
        return parsed.deployments.map((d) => `${d.stateroot} ${d.checksum}.${String(d.serial)}`);
      };
      const [newer = '', older = ''] = s.deployments;

      expect(await status()).to.deep.equal([`fedora-coreos ${newer}`, `fedora-coreos ${older}`]);
      await runner.run([ostree, 'admin', 'set-default', `--sysroot=${s.sysroot}`, '1']);

      expect(await status()).to.deep.equal([`fedora-coreos ${older}`, `fedora-coreos ${newer}`]);
      const entries = readBlsEntries(s.sysroot);
      expect(entries.map((entry) => entry.deployment)).to.deep.equal([older, newer]);
      expect(entries[0]?.options.startsWith(FCOS_KARGS.join(' '))).to.equal(true);
    });
  });
});
