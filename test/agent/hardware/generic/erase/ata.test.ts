import { expect } from 'chai';
import { BlockDeviceEraseError } from '../../../../../common/errors.js';
import { ataErase, ataSecurityState, parseAtaSecurityLines } from '../../../../../agent/hardware/generic/erase/ata.js';
import { FakeRunner, type Scripted } from '../../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../../helpers/logger.js';
import { argvs, fakeDeps, fixture } from './support.js';

const SMARTCTL_HEADER =
  'smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0-18-amd64] (local build)\nCopyright (C) 2002-22, Bruce Allen, Christian Franke, www.smartmontools.org\n\n=== START OF READ SMART DATA SECTION ===\n';
const SMARTCTL_OK: Scripted = {
  match: ['smartctl', '-d', 'ata', '/dev/sda', '-g', 'security'],
  stdout: `${SMARTCTL_HEADER}ATA Security is:  Disabled, NOT FROZEN [SEC1]\n`,
};

/** The SSD fixture with its security state changed. */
function ssd(state: { enabled?: boolean; locked?: boolean; frozen?: boolean; enhanced?: boolean } = {}): string {
  let text = fixture('hdparm-i-ssd.txt');
  if (state.enabled === true) text = text.replace('\tnot\tenabled\n', '\t\tenabled\n');
  if (state.locked === true) text = text.replace('\tnot\tlocked\n', '\t\tlocked\n');
  if (state.frozen === true) text = text.replace('\tnot\tfrozen\n', '\t\tfrozen\n');
  if (state.enhanced === false)
    text = text.replace('\t\tsupported: enhanced erase\n', '\tnot\tsupported: enhanced erase\n');
  return text;
}

function hdparmI(stdout: string, device = '/dev/sda'): Scripted {
  return { match: ['hdparm', '-I', device], stdout };
}

describe('erase/ata', () => {
  describe('parseAtaSecurityLines', () => {
    it('reads the security section of a SATA SSD', () => {
      expect(parseAtaSecurityLines(fixture('hdparm-i-ssd.txt'))).to.deep.equal([
        'Master password revision code = 65534',
        'supported',
        'not enabled',
        'not locked',
        'not frozen',
        'not expired: security count',
        'supported: enhanced erase',
        '2min for SECURITY ERASE UNIT. 2min for ENHANCED SECURITY ERASE UNIT.',
      ]);
    });

    it('reads a frozen HDD without enhanced erase', () => {
      const lines = parseAtaSecurityLines(fixture('hdparm-i-hdd-frozen.txt'));

      expect(lines).to.include('frozen').and.include('not supported: enhanced erase');
      expect(lines).not.to.include('NAA : 5');
    });

    it('is empty for a drive without a security section', () => {
      expect(parseAtaSecurityLines(fixture('hdparm-i-qemu-no-security.txt'))).to.deep.equal([]);
    });
  });

  describe('ataSecurityState', () => {
    const table: { title: string; text: string; expected: ReturnType<typeof ataSecurityState> }[] = [
      {
        title: 'SEC1 SSD',
        text: ssd(),
        expected: { supported: true, frozen: false, locked: false, enabled: false, enhancedErase: true },
      },
      {
        title: 'frozen HDD',
        text: fixture('hdparm-i-hdd-frozen.txt'),
        expected: { supported: true, frozen: true, locked: false, enabled: false, enhancedErase: false },
      },
      {
        title: 'SEC4 locked',
        text: ssd({ enabled: true, locked: true }),
        expected: { supported: true, frozen: false, locked: true, enabled: true, enhancedErase: true },
      },
      {
        title: 'no security',
        text: fixture('hdparm-i-qemu-no-security.txt'),
        expected: { supported: false, frozen: true, locked: true, enabled: true, enhancedErase: true },
      },
    ];
    for (const row of table) {
      it(`interprets ${row.title}`, () => {
        expect(ataSecurityState(parseAtaSecurityLines(row.text))).to.deep.equal(row.expected);
      });
    }
  });

  describe('ataErase', () => {
    it('sets the NULL password and runs the enhanced erase on a SEC1 drive', async () => {
      const runner = new FakeRunner().expect(
        hdparmI(ssd()),
        SMARTCTL_OK,
        { match: (a) => a[0] === 'hdparm' && a[1] === '--user-master', repeat: true },
        hdparmI(ssd()),
      );

      expect(await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(true);

      expect(argvs(runner)).to.deep.equal([
        ['hdparm', '-I', '/dev/sda'],
        ['smartctl', '-d', 'ata', '/dev/sda', '-g', 'security'],
        ['hdparm', '--user-master', 'u', '--security-set-pass', 'NULL', '/dev/sda'],
        ['hdparm', '--user-master', 'u', '--security-erase-enhanced', 'NULL', '/dev/sda'],
        ['hdparm', '-I', '/dev/sda'],
      ]);
      expect(runner.calls[1]?.options.okExitCodes).to.deep.equal([0, 127]);
    });

    it('uses the normal erase when enhanced erase is not supported', async () => {
      const runner = new FakeRunner().expect(
        hdparmI(ssd({ enhanced: false })),
        SMARTCTL_OK,
        { match: (a) => a[1] === '--user-master', repeat: true },
        hdparmI(ssd()),
      );

      await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda');

      expect(argvs(runner)[3]).to.deep.equal(['hdparm', '--user-master', 'u', '--security-erase', 'NULL', '/dev/sda']);
    });

    it('returns false for a drive without ATA security', async () => {
      const runner = new FakeRunner().expect(hdparmI(fixture('hdparm-i-qemu-no-security.txt')), SMARTCTL_OK);

      expect(await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(false);
      expect(runner.calls).to.have.length(2);
    });

    it('returns false when smartctl reports security unavailable (bridged device)', async () => {
      const runner = new FakeRunner().expect(hdparmI(ssd()), {
        ...SMARTCTL_OK,
        stdout: `${SMARTCTL_HEADER}ATA Security is:  Unavailable\n`,
      });

      expect(await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(false);
    });

    it('returns false when smartctl cannot talk ATA to the device', async () => {
      const runner = new FakeRunner().expect(hdparmI(ssd()), {
        ...SMARTCTL_OK,
        exitCode: 2,
        stdout: '',
        stderr: 'Smartctl open device: /dev/sda failed: INQUIRY failed',
      });
      const { logger, memory } = createTestLogger();

      expect(await ataErase(fakeDeps(runner, logger), '/dev/sda')).to.equal(false);
      expect(memory.text()).to.include('Refusing ATA secure erase');
    });

    it('tolerates a missing smartctl', async () => {
      const runner = new FakeRunner().expect(
        hdparmI(ssd()),
        { ...SMARTCTL_OK, notFound: true },
        { match: (a) => a[1] === '--user-master', repeat: true },
        hdparmI(ssd()),
      );

      expect(await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(true);
    });

    it('refuses a frozen drive', async () => {
      const runner = new FakeRunner().expect(hdparmI(fixture('hdparm-i-hdd-frozen.txt'), '/dev/sdb'), {
        ...SMARTCTL_OK,
        match: ['smartctl', '-d', 'ata', '/dev/sdb', '-g', 'security'],
      });

      const error = await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sdb').then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(BlockDeviceEraseError);
      expect((error as BlockDeviceEraseError).details).to.equal('Block device /dev/sdb is frozen and cannot be erased');
    });

    it('tries both unlock passwords, then refuses a drive with a foreign password', async () => {
      const locked = ssd({ enabled: true, locked: true });
      const runner = new FakeRunner().expect(
        hdparmI(locked),
        SMARTCTL_OK,
        {
          match: ['hdparm', '--user-master', 'u', '--security-unlock', 'NULL', '/dev/sda'],
          exitCode: 5,
          stderr: 'SECURITY_UNLOCK: Input/output error',
        },
        hdparmI(locked),
        {
          match: ['hdparm', '--user-master', 'u', '--security-unlock', '', '/dev/sda'],
          exitCode: 5,
          stderr: 'SECURITY_UNLOCK: Input/output error',
        },
        hdparmI(locked),
      );

      const error = await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda').then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as BlockDeviceEraseError).details).to.equal(
        'Block device /dev/sda already has a security password set',
      );
      expect(runner.pending()).to.deep.equal([]);
    });

    it('unlocks a drive left locked by an earlier attempt and erases without setting a password', async () => {
      const runner = new FakeRunner().expect(
        hdparmI(ssd({ enabled: true, locked: true })),
        SMARTCTL_OK,
        { match: ['hdparm', '--user-master', 'u', '--security-unlock', 'NULL', '/dev/sda'] },
        hdparmI(ssd({ enabled: true })),
        { match: ['hdparm', '--user-master', 'u', '--security-erase-enhanced', 'NULL', '/dev/sda'] },
        hdparmI(ssd()),
      );

      expect(await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda')).to.equal(true);
      expect(argvs(runner).some((a) => a.includes('--security-set-pass'))).to.equal(false);
    });

    it('reports a failed password set', async () => {
      const runner = new FakeRunner().expect(hdparmI(ssd()), SMARTCTL_OK, {
        match: (a) => a.includes('--security-set-pass'),
        exitCode: 5,
        stderr: 'SECURITY_SET_PASS: Input/output error',
      });

      const error = await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda').then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as BlockDeviceEraseError).details).to.match(
        /^Security password set failed for device \/dev\/sda: .*Input\/output error/,
      );
    });

    it('unlocks again after a failed erase so that shred can still write', async () => {
      const runner = new FakeRunner().expect(
        hdparmI(ssd()),
        SMARTCTL_OK,
        { match: (a) => a.includes('--security-set-pass') },
        {
          match: (a) => a.includes('--security-erase-enhanced'),
          exitCode: 5,
          stderr: 'SECURITY_ERASE: Input/output error',
        },
        hdparmI(ssd({ enabled: true, locked: true })),
        { match: ['hdparm', '--user-master', 'u', '--security-unlock', 'NULL', '/dev/sda'] },
        hdparmI(ssd({ enabled: true })),
      );

      const error = await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda').then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as BlockDeviceEraseError).details).to.match(
        /^Erase failed for device \/dev\/sda: .*SECURITY_ERASE/,
      );
      expect(argvs(runner).at(-2)).to.deep.equal([
        'hdparm',
        '--user-master',
        'u',
        '--security-unlock',
        'NULL',
        '/dev/sda',
      ]);
      expect(runner.pending()).to.deep.equal([]);
    });

    it('fails when security is still enabled after the erase', async () => {
      const runner = new FakeRunner().expect(
        hdparmI(ssd()),
        SMARTCTL_OK,
        { match: (a) => a[1] === '--user-master', repeat: true },
        hdparmI(ssd({ enabled: true })),
      );

      const error = await ataErase(fakeDeps(runner, createTestLogger().logger), '/dev/sda').then(
        () => null,
        (e: unknown) => e,
      );

      expect((error as BlockDeviceEraseError).details).to.equal(
        'An unknown error occurred erasing block device /dev/sda',
      );
    });
  });
});
