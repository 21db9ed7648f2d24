import { expect } from 'chai';
import { DeviceNotFound } from '../../../../common/errors.js';
import { ensureUefiBootEntry, parseBootEntries, type UefiDeps } from '../../../../agent/hardware/coreos/uefi.js';
import { loaderFromOsRelease, parseBootCsv } from '../../../../agent/hardware/coreos/uefi-esp.js';
import { FakeRunner, type Scripted } from '../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../helpers/logger.js';

const LSBLK_NO_UDEV = JSON.stringify({
  blockdevices: [
    {
      name: '/dev/sda',
      type: 'disk',
      partlabel: null,
      parttype: null,
      children: [1, 2, 3, 4].map((n) => ({ name: `/dev/sda${n}`, type: 'part', partlabel: null, parttype: null })),
    },
  ],
});
const blkid = (n: number, name: string, type: string): Scripted => ({
  match: ['blkid', '-p', '-o', 'export', `/dev/sda${n}`],
  stdout: `DEVNAME=/dev/sda${n}\nPART_ENTRY_SCHEME=gpt\nPART_ENTRY_NAME=${name}\nPART_ENTRY_TYPE=${type}\nPART_ENTRY_NUMBER=${n}\n`,
});
const ESP_DISCOVERY: Scripted[] = [
  {
    match: ['lsblk', '--json', '--paths', '--output', 'NAME,TYPE,PARTLABEL,PARTTYPE', '/dev/sda'],
    stdout: LSBLK_NO_UDEV,
  },
  blkid(1, 'BIOS-BOOT', '21686148-6449-6e6f-744e-656564454649'),
  blkid(2, 'EFI-SYSTEM', 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b'),
];
const CSV = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('shimx64.efi,Fedora,,This is the boot entry for Fedora\n', 'utf16le'),
]);
const csvScript = (): Scripted[] => [
  { match: ['mdir', '-b', '-i', '/dev/sda2', '::/EFI'], stdout: '::/EFI/BOOT/\n::/EFI/fedora/\n' },
  {
    match: ['mdir', '-b', '-i', '/dev/sda2', '::/EFI/fedora/'],
    stdout: '::/EFI/fedora/BOOTX64.CSV\n::/EFI/fedora/shimx64.efi\n',
  },
  { match: ['mcopy', '-n', '-i', '/dev/sda2', '::/EFI/fedora/BOOTX64.CSV', '-'] },
];
const EFIBOOTMGR =
  'BootCurrent: 0001\nTimeout: 1 seconds\nBootOrder: 0003,0001,0000\nBoot0000* UiApp\tFvVol(...)\nBoot0001* Fedora\tHD(2,GPT,...)\nBoot0003* Fedora\tHD(2,GPT,...)\n';
const CREATE = [
  'efibootmgr',
  '-c',
  '-d',
  '/dev/sda',
  '-p',
  '2',
  '-w',
  '-L',
  'Fedora',
  '-l',
  '\\EFI\\fedora\\shimx64.efi',
];

function deps(runner: FakeRunner, extra: Partial<UefiDeps> = {}): UefiDeps & { slept: number[] } {
  const slept: number[] = [];
  return {
    runner,
    logger: createTestLogger().logger,
    sleep: async (ms) => {
      slept.push(ms);
    },
    readFile: async () => null,
    rootMount: '/mnt/coreos',
    arch: 'x64',
    slept,
    ...extra,
  };
}

/** FakeRunner returns stdout as text; give mcopy the CSV bytes back as a buffer. */
class CsvRunner extends FakeRunner {
  override async run(argv: readonly string[], options: Parameters<FakeRunner['run']>[1] = {}) {
    const result = await super.run(argv, options);
    if (argv[0] === 'mcopy') result.stdoutBuffer = CSV;
    return result;
  }
}

describe('hardware/coreos/uefi', () => {
  it('finds the ESP with blkid -p when udev is absent, reads the CSV hint and replaces same-label entries', async () => {
    const runner = new CsvRunner().expect(
      ...ESP_DISCOVERY,
      ...csvScript(),
      { match: ['efibootmgr'], stdout: EFIBOOTMGR },
      { match: ['efibootmgr', '-b', '0001', '-B'] },
      { match: ['efibootmgr', '-b', '0003', '-B'] },
      { match: CREATE },
    );

    const result = await ensureUefiBootEntry('/dev/sda', deps(runner));

    expect(result).to.deep.equal({
      esp: { device: '/dev/sda2', number: 2 },
      loader: { label: 'Fedora', path: '\\EFI\\fedora\\shimx64.efi', source: 'csv' },
    });
    expect(runner.pending()).to.deep.equal([]);
    expect(runner.calls.find((c) => c.argv[0] === 'mdir')?.options.env).to.deep.equal({ MTOOLS_SKIP_CHECK: '1' });
  });

  it('retries 6 times, 5 s apart, while efibootmgr fails', async () => {
    const runner = new CsvRunner();
    for (let i = 0; i < 6; i += 1) {
      runner.expect(
        ...ESP_DISCOVERY,
        ...csvScript(),
        { match: ['efibootmgr'], stdout: '' },
        { match: CREATE, exitCode: 5, stderr: 'Could not prepare Boot variable: No space left on device' },
      );
    }
    const d = deps(runner);

    const error = await ensureUefiBootEntry('/dev/sda', d).catch((e: unknown) => e);

    expect(runner.calls.filter((c) => c.argv.join(' ') === CREATE.join(' '))).to.have.length(6);
    expect(d.slept).to.deep.equal([5000, 5000, 5000, 5000, 5000]);
    expect((error as Error).message).to.contain('No space left on device');
  });

  it('succeeds on a later attempt', async () => {
    const runner = new CsvRunner().expect(
      ...ESP_DISCOVERY,
      ...csvScript(),
      { match: ['efibootmgr'], exitCode: 2, stderr: 'EFI variables are not supported on this system.' },
      ...ESP_DISCOVERY,
      ...csvScript(),
      { match: ['efibootmgr'], stdout: '' },
      { match: CREATE },
    );
    const d = deps(runner);

    await ensureUefiBootEntry('/dev/sda', d);

    expect(d.slept).to.deep.equal([5000]);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('does not retry when the disk has no ESP', async () => {
    const runner = new FakeRunner().expect({
      match: ['lsblk', '--json', '--paths', '--output', 'NAME,TYPE,PARTLABEL,PARTTYPE', '/dev/sda'],
      stdout: JSON.stringify({
        blockdevices: [
          {
            name: '/dev/sda',
            type: 'disk',
            children: [
              { name: '/dev/sda1', type: 'part', partlabel: 'root', parttype: '0fc63daf-8483-4772-8e79-3d69d8477de4' },
            ],
          },
        ],
      }),
    });
    const d = deps(runner);

    const error = await ensureUefiBootEntry('/dev/sda', d).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(DeviceNotFound);
    expect(d.slept).to.deep.equal([]);
  });

  it('falls back to os-release when mtools is not installed', async () => {
    const runner = new FakeRunner().expect(
      ...ESP_DISCOVERY,
      { match: ['mdir', '-b', '-i', '/dev/sda2', '::/EFI'], notFound: true },
      { match: ['efibootmgr'], stdout: '' },
      {
        match: [
          'efibootmgr',
          '-c',
          '-d',
          '/dev/sda',
          '-p',
          '2',
          '-w',
          '-L',
          'Red Hat Enterprise Linux CoreOS',
          '-l',
          '\\EFI\\redhat\\shimx64.efi',
        ],
      },
    );
    const files: Record<string, string> = {
      '/mnt/coreos/usr/lib/os-release': 'NAME="Red Hat Enterprise Linux CoreOS"\nID="rhcos"\n',
    };

    const result = await ensureUefiBootEntry('/dev/sda', deps(runner, { readFile: async (p) => files[p] ?? null }));

    expect(result.loader).to.deep.equal({
      label: 'Red Hat Enterprise Linux CoreOS',
      path: '\\EFI\\redhat\\shimx64.efi',
      source: 'os-release',
    });
  });

  it('uses a configured loader path', async () => {
    const runner = new FakeRunner().expect(
      ...ESP_DISCOVERY,
      { match: ['efibootmgr'], stdout: '' },
      {
        match: [
          'efibootmgr',
          '-c',
          '-d',
          '/dev/sda',
          '-p',
          '2',
          '-w',
          '-L',
          'My OS',
          '-l',
          '\\EFI\\custom\\grubx64.efi',
        ],
      },
    );

    const result = await ensureUefiBootEntry(
      '/dev/sda',
      deps(runner, { loaderPath: '\\EFI\\custom\\grubx64.efi', label: 'My OS' }),
    );

    expect(result.loader.source).to.equal('config');
  });

  describe('pure helpers', () => {
    it('parses efibootmgr entries', () => {
      expect(parseBootEntries(EFIBOOTMGR)).to.deep.equal([
        { number: '0000', label: 'UiApp' },
        { number: '0001', label: 'Fedora' },
        { number: '0003', label: 'Fedora' },
      ]);
    });

    it('parses UTF-16 and UTF-8 BOOT CSV files', () => {
      expect(parseBootCsv(CSV)).to.deep.equal({ file: 'shimx64.efi', label: 'Fedora' });
      expect(parseBootCsv(Buffer.from('shimaa64.efi,CentOS Stream,,x\r\n'))).to.deep.equal({
        file: 'shimaa64.efi',
        label: 'CentOS Stream',
      });
      expect(parseBootCsv(Buffer.from('\n'))).to.equal(null);
    });

    it('derives the loader from os-release and the architecture', () => {
      expect(loaderFromOsRelease('ID=fedora\nVARIANT_ID=coreos\n', 'arm64')).to.deep.equal({
        label: 'Fedora CoreOS',
        path: '\\EFI\\fedora\\shimaa64.efi',
        source: 'os-release',
      });
      expect(loaderFromOsRelease(null, 'x64').path).to.equal('\\EFI\\fedora\\shimx64.efi');
    });
  });
});
