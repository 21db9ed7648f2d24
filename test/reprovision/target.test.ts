import { expect } from 'chai';
import { checkBackupDir, checkKeepPaths } from '../../reprovision/target.js';
import { readBackup, readMode } from '../../reprovision/options.js';

describe('reprovision/target checkKeepPaths', () => {
  const good: [string, string][] = [
    ['lib/containers', 'lib/containers'],
    ['/var/home/core', 'home/core'],
    ['lib/x/', 'lib/x'],
  ];
  for (const [raw, path] of good) it(`accepts ${raw}`, () => expect(checkKeepPaths([raw])).to.deep.equal([path]));

  for (const raw of ['', '/etc', '../etc', 'lib/../..', 'a b', 'lib/*', '.ironic-coreos-agent/x', 'lib//x', "it's"]) {
    it(`refuses ${JSON.stringify(raw)}`, () =>
      expect(() => checkKeepPaths([raw])).to.throw(/is not a plain path under \/var/));
  }
});

describe('reprovision/options', () => {
  it('reads the mode', () => {
    expect(readMode(undefined)).to.equal('firstboot');
    expect(readMode('staged')).to.equal('staged');
    expect(() => readMode('now')).to.throw(/--mode must be firstboot or staged, not now/);
  });

  it('reads the backup choice', () => {
    expect(readBackup({})).to.equal(undefined);
    expect(readBackup({ 'no-backup': true })).to.equal(null);
    expect(readBackup({ backup: '/srv/b' })).to.equal('/srv/b');
    expect(() => readBackup({ backup: 'rel' })).to.throw(/absolute/);
    expect(() => readBackup({ backup: '/x', 'no-backup': true })).to.throw(/cannot be used together/);
  });
});

describe('reprovision/target checkBackupDir', () => {
  const target = {
    layout: { varDir: '/s/ostree/deploy/fcos/var', root: '/s' },
    booted: false,
  } as unknown as Parameters<typeof checkBackupDir>[0];
  const ok: [string | null | undefined, string[]][] = [
    [undefined, []],
    [null, []],
    ['/srv/backups', []],
    ['/s/ostree/deploy/fcos/var/.ironic-coreos-agent/mine', []],
    ['/s/ostree/deploy/fcos/var/lib/keep/b', ['lib/keep']],
    ['/s/ostree/deploy/fcos/variable', []],
  ];
  for (const [backup, keep] of ok) {
    it(`accepts ${String(backup)}`, () => expect(() => checkBackupDir(target, backup, keep)).to.not.throw());
  }
  it('refuses a backup that the rotation would move away', () => {
    expect(() => checkBackupDir(target, '/s/ostree/deploy/fcos/var/lib/b', ['lib/keep'])).to.throw(/is inside \/var/);
  });
});
