import { expect } from 'chai';
import { InvalidCommandParamsError } from '../../../common/errors.js';
import { APPLY_SCRIPT } from '../../../reprovision/staged/apply-script.js';
import {
  applyArgv,
  checkPlatform,
  ignitionArgv,
  ignitionEnv,
  ignitionWorkPaths,
  type IgnitionStage,
} from '../../../reprovision/staged/ignition-argv.js';
import { ignitionPlatform, splitKargs } from '../../../reprovision/sysroot/kargs.js';

const IGN = '/usr/bin/ignition';
const WORK = '/run/reprovision/ignition';

describe('reprovision/staged/ignition-argv', () => {
  describe('ignitionArgv', () => {
    const rows: { stage: IgnitionStage; platform: string; root: string }[] = [
      { stage: 'fetch-offline', platform: 'metal', root: `${WORK}/fetch-root` },
      { stage: 'fetch', platform: 'qemu', root: `${WORK}/fetch-root` },
      { stage: 'mount', platform: 'metal', root: '/sysroot/ostree/deploy/fedora-coreos/deploy/abc.1' },
      { stage: 'files', platform: 'openstack', root: '/new' },
      { stage: 'umount', platform: 'metal', root: '/new' },
    ];
    for (const row of rows) {
      it(`${row.stage} on ${row.platform}: every state path under the work dir`, () => {
        const argv = ignitionArgv(IGN, row.stage, row.platform, row.root, WORK);

        expect(argv).to.deep.equal([
          IGN,
          '-platform',
          row.platform,
          '-stage',
          row.stage,
          '-root',
          row.root,
          '-config-cache',
          `${WORK}/ignition.json`,
          '-state-file',
          `${WORK}/state`,
          '-neednet',
          `${WORK}/neednet`,
          '-log-to-stdout',
        ]);
      });
    }

    const bad: { name: string; platform: string; root: string; work: string; message: RegExp }[] = [
      { name: 'a platform that looks like a flag', platform: '-root', root: '/r', work: WORK, message: /platform/ },
      { name: 'an empty platform', platform: '', root: '/r', work: WORK, message: /platform/ },
      { name: 'a relative root', platform: 'metal', root: 'new', work: WORK, message: /root must be an absolute/ },
      { name: 'a relative work dir', platform: 'metal', root: '/r', work: 'work', message: /workDir must be/ },
    ];
    for (const row of bad) {
      it(`refuses ${row.name}`, () => {
        expect(() => ignitionArgv(IGN, 'files', row.platform, row.root, row.work))
          .to.throw(InvalidCommandParamsError)
          .with.property('message')
          .match(row.message);
      });
    }
  });

  it('ignitionWorkPaths: user.ign in the system dir, all under the work dir', () => {
    expect(ignitionWorkPaths(WORK)).to.deep.equal({
      configCache: `${WORK}/ignition.json`,
      stateFile: `${WORK}/state`,
      needNet: `${WORK}/neednet`,
      systemDir: `${WORK}/system`,
      userConfig: `${WORK}/system/user.ign`,
      fetchRoot: `${WORK}/fetch-root`,
    });
  });

  describe('ignitionEnv', () => {
    it('sets only IGNITION_SYSTEM_CONFIG_DIR by default (production has setfiles)', () => {
      expect(ignitionEnv(WORK)).to.deep.equal({ IGNITION_SYSTEM_CONFIG_DIR: `${WORK}/system` });
    });

    it('adds the injected variables, but cannot move the system dir', () => {
      const env = ignitionEnv(WORK, { PATH: '/shim:/usr/bin', IGNITION_SYSTEM_CONFIG_DIR: '/elsewhere' });

      expect(env).to.deep.equal({ PATH: '/shim:/usr/bin', IGNITION_SYSTEM_CONFIG_DIR: `${WORK}/system` });
    });
  });

  describe('applyArgv', () => {
    const input = {
      ignition: IGN,
      platform: 'metal',
      root: '/new root',
      freshVar: '/var/new $(x)',
      workDir: WORK,
      populateVar: true,
    };

    it('runs a constant script in a private mount namespace, paths only as positional arguments', () => {
      const argv = applyArgv(input);

      expect(argv.slice(0, 10)).to.deep.equal([
        'unshare',
        '--mount',
        '--propagation',
        'private',
        '--pid',
        '--fork',
        '--kill-child',
        '--',
        'sh',
        '-c',
      ]);
      expect(argv.slice(11)).to.deep.equal([
        'sh',
        '/var/new $(x)',
        '/new root',
        IGN,
        'yes',
        '-platform',
        'metal',
        '-root',
        '/new root',
        '-config-cache',
        `${WORK}/ignition.json`,
        '-state-file',
        `${WORK}/state`,
        '-neednet',
        `${WORK}/neednet`,
        '-log-to-stdout',
      ]);
      expect(argv[10]).to.equal(APPLY_SCRIPT);
      expect(APPLY_SCRIPT).to.not.include('/new root').and.not.include('$(x)');
    });

    it('passes the populate-var choice as the fourth positional argument', () => {
      expect(applyArgv({ ...input, populateVar: false })[15]).to.equal('no');
      expect(applyArgv(input)[15]).to.equal('yes');
    });

    it('refuses a relative fresh /var (mount would read it as an option or a relative path)', () => {
      expect(() => applyArgv({ ...input, freshVar: '-o' })).to.throw(InvalidCommandParamsError, /freshVar/);
    });
  });

  describe('the platform from an entry (sysroot/kargs.ts ignitionPlatform), checked', () => {
    const rows: { kargs: string; expected: string }[] = [
      { kargs: '', expected: 'metal' },
      { kargs: 'rw mitigations=auto,nosmt ostree=/ostree/boot.1/fedora-coreos/x/0', expected: 'metal' },
      { kargs: 'ignition.platform.id=qemu console=ttyS0 $ignition_firstboot', expected: 'qemu' },
      { kargs: 'ignition.platform.id=metal  ignition.platform.id=openstack', expected: 'openstack' },
    ];
    for (const row of rows) {
      it(`${JSON.stringify(row.kargs)} -> ${row.expected}`, () => {
        expect(checkPlatform(ignitionPlatform(splitKargs(row.kargs)))).to.equal(row.expected);
      });
    }

    it('refuses a malformed id', () => {
      expect(() => checkPlatform(ignitionPlatform(splitKargs('ignition.platform.id=../x')))).to.throw(
        InvalidCommandParamsError,
      );
      expect(() => checkPlatform('Metal')).to.throw(InvalidCommandParamsError);
    });
  });
});
