import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { createHostRoot, type HostRoot } from '../../testbed/host-root.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../../testbed/loop-disks.js';

const runner = new ExecaRunner();
const IGNITION = '{"ignition": {"version": "3.4.0"},\n  "passwd": {"users": [{"name": "core"}]}}\n';

describe('testbed/coreos-installer-double (real loop disk, host root)', function () {
  this.timeout(180_000);
  let base: string;
  let host: HostRoot;
  let disk: LoopDisk;

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'coreos-double-'));
    mkdirSync(join(base, 'disks'));
    host = await createHostRoot({ dir: join(base, 'hostroot') });
    disk = await attachLoopDisk(runner, join(base, 'disks'), 0, 1);
  });
  after(async () => {
    const problems: unknown[] = [];
    const cleanups: (() => Promise<unknown>)[] = [
      () => runner.run(['umount', join(base, 'boot')], { okExitCodes: [0, 1, 32] }),
      () => detachLoopDisk(runner, disk),
      () => host.destroy(),
    ];
    for (const cleanup of cleanups) await cleanup().catch((e: unknown) => problems.push(e));
    rmSync(base, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`cleanup failed: ${problems.map(String).join('; ')}`);
  });
  beforeEach(() => {
    rmSync(join(host.root, 'run/coreos-installer-double'), { recursive: true, force: true });
    rmSync(join(host.root, 'run/coreos-installer'), { recursive: true, force: true });
    host.addOsmet();
  });

  const install = async (...args: string[]): Promise<{ code: number | null; lines: string[]; last: string }> => {
    const result = await runner.run(['chroot', host.root, 'coreos-installer', 'install', ...args], {
      okExitCodes: [0, 1, 2],
    });
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    return { code: result.exitCode, lines, last: lines[lines.length - 1] ?? '' };
  };
  const probe = async (device: string): Promise<Record<string, string>> => {
    const { stdout } = await runner.run(['blkid', '-p', '-o', 'export', device], { okExitCodes: [0, 2] });
    return Object.fromEntries(
      stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  };
  const part = (n: number): string => `${disk.device}p${n}`;
  const withBoot = async <T>(fn: (mnt: string) => T): Promise<T> => {
    const mnt = join(base, 'boot');
    mkdirSync(mnt, { recursive: true });
    await runner.run(['mount', '-o', 'ro', part(3), mnt]);
    try {
      return fn(mnt);
    } finally {
      await runner.run(['umount', mnt]);
    }
  };
  const writeInRoot = (path: string, text: string): void => {
    mkdirSync(join(host.root, path, '..'), { recursive: true });
    writeFileSync(join(host.root, path), text);
  };

  // Mocha runs a suite's own tests before its nested suites: the install tests below run first, in order.
  it('answers --version and --help like coreos-installer', async () => {
    expect((await runner.run(['chroot', host.root, 'coreos-installer', '--version'])).stdout).to.equal(
      'coreos-installer 0.26.0\n',
    );
    expect((await runner.run(['chroot', host.root, 'coreos-installer', 'install', '--help'])).stdout).to.contain(
      '--preserve-on-error',
    );
  });

  describe('usage errors exit 2 with clap messages', () => {
    const table: [string[], string][] = [
      [['--offline'], 'error: the following required arguments were not provided:'],
      [['--frobnicate', '/dev/sda'], "error: unexpected argument '--frobnicate' found"],
      [
        ['--image-url', 'http://h/i.raw', '--image-file', '/i.raw', '/dev/sda'],
        "error: the argument '--image-file <path>' cannot be used with '--image-url <URL>'",
      ],
      [
        ['-i', '/a.ign', '--ignition-url', 'https://h/a.ign', '/dev/sda'],
        "error: the argument '--ignition-url <URL>' cannot be used with '--ignition-file <path>'",
      ],
      [['/dev/sda', '--image-url'], "error: a value is required for '--image-url <URL>' but none was supplied"],
      [
        ['--image-url', 'images/fcos.raw', '/dev/sda'],
        "error: invalid value 'images/fcos.raw' for '--image-url <URL>': relative URL without a base",
      ],
      [
        ['--console', 'console=ttyS0', '/dev/sda'],
        "error: invalid value 'console=ttyS0' for '--console <spec>': spec should not start with \"console=\"",
      ],
      [['--offline=yes', '/dev/sda'], "error: unexpected value 'yes' for '--offline' found; no more were expected"],
      [['/dev/sda', '/dev/sdb'], "error: unexpected argument '/dev/sdb' found"],
    ];
    for (const [args, message] of table) {
      it(args.join(' '), async () => {
        const result = await install(...args);

        expect(result.code).to.equal(2);
        expect(result.lines[0]).to.equal(message);
        expect(result.last).to.equal("For more information, try '--help'.");
      });
    }
  });

  describe('runtime errors exit 1, before anything is written', () => {
    it("reports each problem with coreos-installer's message", async () => {
      await runner.run(['sgdisk', '--zap-all', disk.device]);
      writeInRoot('tmp/broken.ign', '{"ignition": ');
      writeInRoot('tmp/two.ign', '{} {}');
      writeInRoot('tmp/image.raw', 'x'.repeat(4096));
      const table: [string[], string[]][] = [
        [
          ['--offline', '/dev/coreos-none'],
          [
            'Error: getting sector size of /dev/coreos-none',
            '0: opening "/dev/coreos-none"',
            '1: No such file or directory (os error 2)',
          ],
        ],
        [
          ['--offline', '/etc/hostname'],
          ['Error: getting sector size of /etc/hostname', '"/etc/hostname" is not a block device'],
        ],
        [
          ['-i', '/tmp/none.ign', '--offline', disk.device],
          ['Error: opening source Ignition config /tmp/none.ign', 'No such file or directory (os error 2)'],
        ],
        [['-i', '/tmp/broken.ign', '--offline', disk.device], ['Error: parsing specified Ignition config']],
        [
          ['-i', '/tmp/two.ign', '--offline', disk.device],
          ['Error: parsing specified Ignition config', 'trailing characters'],
        ],
        [
          ['--image-file', '/tmp/image.raw', disk.device],
          [
            'Copying image from /tmp/image.raw',
            'Reading signature from /tmp/image.raw.sig',
            "Couldn't read signature file: No such file or directory (os error 2)",
            'Error: --insecure not specified and signature not found',
          ],
        ],
        [
          ['--save-partindex', '9-7', '--offline', disk.device],
          ["Error: start of partition index range '9-7' cannot be greater than end"],
        ],
        [
          ['-I', 'http://127.0.0.1:9/a.ign', '--offline', disk.device],
          ['Error: refusing to fetch Ignition config over HTTP without --ignition-hash or --insecure-ignition'],
        ],
      ];
      for (const [args, expected] of table) {
        const result = await install(...args);

        expect(result.code, args.join(' ')).to.equal(1);
        if (expected.length === 1 && args.includes('/tmp/broken.ign')) {
          expect(result.lines.slice(0, 2), args.join(' ')).to.deep.equal([...expected, 'Caused by:']);
        } else {
          expect(
            result.lines.map((l) => l.trim()).filter((l) => l !== 'Caused by:'),
            args.join(' '),
          ).to.deep.equal(expected);
        }
      }
      expect((await probe(disk.device))['PTTYPE']).to.equal(undefined);
    });

    it('refuses --offline without osmet metadata', async () => {
      rmSync(join(host.root, 'run/coreos-installer'), { recursive: true, force: true });

      const result = await install('--offline', disk.device);

      expect([result.code, result.last]).to.deep.equal([1, 'Error: cannot perform offline install; metadata missing']);
    });
  });

  it('installs: GPT metal image, progress, config.ign 0600 in a 0700 dir with the exact bytes, kargs edited', async () => {
    writeInRoot('tmp/config.ign', IGNITION);

    const result = await install(
      '--preserve-on-error',
      '-i',
      '/tmp/config.ign',
      '--append-karg',
      'rd.neednet=1',
      '--append-karg',
      'ip=dhcp6',
      '--delete-karg',
      'mitigations=auto,nosmt',
      '--console',
      'ttyS0,115200n8',
      '--offline',
      disk.device,
    );

    expect(result.code, result.lines.join('\n')).to.equal(0);
    expect(result.lines[0]).to.equal('Installing Fedora CoreOS 40.20240416.3.1 x86_64 (512-byte sectors)');
    expect(result.lines.filter((l) => l.startsWith('Read disk ')).pop()).to.equal('Read disk 48.0 MiB/48.0 MiB (100%)');
    expect(result.lines.filter((l) => !l.startsWith('Read disk ')).slice(1)).to.deep.equal([
      'Writing Ignition config',
      'Configuring console settings',
      'Modifying kernel arguments',
      'Install complete.',
    ]);
    const names = await Promise.all([1, 2, 3, 4].map(async (n) => (await probe(part(n)))['PART_ENTRY_NAME']));
    expect(names).to.deep.equal(['BIOS-BOOT', 'EFI-SYSTEM', 'boot', 'root']);
    expect(await probe(part(3))).to.include({ LABEL: 'boot', TYPE: 'ext4' });
    expect(await probe(part(2))).to.include({ LABEL: 'EFI-SYSTEM', TYPE: 'vfat' });
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.to.contain(part(3));
    expect(readdirSync(join(host.root, 'tmp')).filter((f) => f.startsWith('coreos-installer-'))).to.deep.equal([]);
    await withBoot((mnt) => {
      expect(statSync(join(mnt, 'ignition')).mode & 0o777).to.equal(0o700);
      expect(statSync(join(mnt, 'ignition/config.ign')).mode & 0o777).to.equal(0o600);
      expect(readFileSync(join(mnt, 'ignition/config.ign'), 'utf8')).to.equal(IGNITION);
      const options =
        /^options (.*)$/m.exec(readFileSync(join(mnt, 'loader/entries/ostree-1.conf'), 'utf8'))?.[1] ?? '';
      expect(options).to.match(
        /^ignition\.platform\.id=metal \$ignition_firstboot ostree=\S+ root=UUID=\S+ rw rootflags=prjquota boot=UUID=\S+ console=ttyS0,115200n8 rd\.neednet=1 ip=dhcp6$/,
      );
      expect(readFileSync(join(mnt, 'grub2/console.cfg'), 'utf8')).to.contain(
        '# CONSOLE-SETTINGS-START\nserial --unit=0 --speed=115200 --word=8 --parity=no\nterminal_input serial\nterminal_output serial\n# CONSOLE-SETTINGS-END',
      );
    });
  });

  it('fails a second run onto a disk whose boot filesystem already has config.ign (create_new), and resets the table', async () => {
    await runner.run([
      'dd',
      `if=${disk.device}`,
      `of=${join(host.root, 'tmp/installed.img')}`,
      'bs=1M',
      'count=48',
      'status=none',
    ]);

    const preserved = await install(
      '--preserve-on-error',
      '--image-file',
      '/tmp/installed.img',
      '--insecure',
      '-i',
      '/tmp/config.ign',
      disk.device,
    );
    const partsAfterPreserve = (await probe(disk.device))['PTTYPE'];
    const reset = await install(
      '--image-file',
      '/tmp/installed.img',
      '--insecure',
      '-i',
      '/tmp/config.ign',
      disk.device,
    );

    expect(preserved.code).to.equal(1);
    expect(preserved.lines.slice(-6, -3)).to.deep.equal([
      'Error: writing Ignition configuration',
      'Caused by:',
      preserved.lines.at(-4),
    ]);
    expect(preserved.lines.at(-4)).to.match(
      /^ {4}0: opening destination Ignition config \/tmp\/coreos-installer-\w+\/ignition\/config\.ign$/,
    );
    expect(preserved.lines.slice(-3)).to.deep.equal([
      '    1: File exists (os error 17)',
      'Preserving partition table as requested',
      'Error: install failed',
    ]);
    expect(partsAfterPreserve).to.equal('gpt');
    expect(reset.code).to.equal(1);
    expect(reset.lines.slice(-2)).to.deep.equal(['Resetting partition table', 'Error: install failed']);
    expect((await probe(disk.device))['PTTYPE']).to.equal(undefined);
  });

  it('injected failures: fails the first two runs mid-write, then succeeds', async () => {
    host.setControl({ fail_times: 2, fail_message: 'writing image: Input/output error (os error 5)' });

    const runs = [
      await install('--offline', disk.device),
      await install('--offline', disk.device),
      await install('--offline', disk.device),
    ];

    expect(runs.map((r) => r.code)).to.deep.equal([1, 1, 0]);
    expect(runs[0]?.lines).to.include('Error: writing image: Input/output error (os error 5)');
    expect(runs[0]?.last).to.equal('Error: install failed');
    expect(runs[2]?.last).to.equal('Install complete.');
    expect(host.calls().filter((c) => c.startsWith('install '))).to.have.length(3);
  });

  it('injected failure with a cause chain: anyhow\'s report with "Caused by:", the cleanup, then "install failed"', async () => {
    host.setControl({
      fail_always: 1,
      fail_message: 'decoding and writing image',
      fail_cause: ['Input/output error (os error 5)'],
    });

    const single = await install('--preserve-on-error', '--offline', disk.device);
    host.setControl({
      fail_always: 1,
      fail_message: 'writing Ignition configuration',
      fail_cause: ['opening destination Ignition config /x/config.ign', 'File exists (os error 17)'],
    });
    const numbered = await runner.run(
      ['chroot', host.root, 'coreos-installer', 'install', '--preserve-on-error', '--offline', disk.device],
      { okExitCodes: [1] },
    );

    expect(single.code).to.equal(1);
    expect(single.lines.slice(-5)).to.deep.equal([
      'Error: decoding and writing image',
      'Caused by:',
      '    Input/output error (os error 5)',
      'Preserving partition table as requested',
      'Error: install failed',
    ]);
    expect(numbered.stderr).to.match(
      /\n\nError: writing Ignition configuration\n\nCaused by:\n {4}0: opening destination Ignition config \/x\/config\.ign\n {4}1: File exists \(os error 17\)\n\nPreserving partition table as requested\nError: install failed\n$/,
    );
  });

  it('injected early failure: the given message is the last line, nothing is written', async () => {
    await runner.run(['sgdisk', '--zap-all', disk.device]);
    host.setControl({
      fail_always: 1,
      fail_stage: 'early',
      fail_message: 'cannot open /dev/sda: Device or resource busy',
    });

    const result = await install('--offline', disk.device);

    expect([result.code, result.lines]).to.deep.equal([1, ['Error: cannot open /dev/sda: Device or resource busy']]);
    expect((await probe(disk.device))['PTTYPE']).to.equal(undefined);
  });

  it('refuses a disk with a mounted partition', async () => {
    expect((await install('--offline', disk.device)).code).to.equal(0);
    const busy = join(host.root, 'mnt/coreos-busy');
    mkdirSync(busy, { recursive: true });
    await runner.run(['mount', part(3), busy]);
    let result: Awaited<ReturnType<typeof install>> | undefined;
    try {
      result = await install('--offline', disk.device);
    } finally {
      await runner.run(['umount', busy]);
    }

    expect(result?.code).to.equal(1);
    expect(result?.lines.slice(-5)).to.deep.equal([
      `Partitions in use on ${disk.device}:`,
      `    ${part(3)} mounted on /mnt/coreos-busy`,
      `Error: checking for exclusive access to ${disk.device}`,
      'Caused by:',
      '    found busy partitions',
    ]);
  });

  it('sets the platform, copies NetworkManager keyfiles and keeps saved partitions', async () => {
    // The metal image's backup GPT sits at its end (48 MiB), as with a real raw image: move it to the disk's end first.
    await runner.run(['sgdisk', '-e', '-n', '9:131072:+16M', '-c', '9:data', '-t', '9:8300', disk.device]);
    writeInRoot('etc/NetworkManager/system-connections/eth0.nmconnection', '[connection]\nid=eth0\n');

    const result = await install(
      '--platform',
      'qemu',
      '--copy-network',
      '--save-partlabel',
      'da*',
      '--offline',
      disk.device,
    );

    expect(result.code, result.lines.join('\n')).to.equal(0);
    expect(result.lines).to.include.members([
      'Setting platform to qemu',
      'Copying networking configuration from /etc/NetworkManager/system-connections/',
      'Copying /etc/NetworkManager/system-connections/eth0.nmconnection to installed system',
    ]);
    expect(await probe(part(5))).to.include({ PART_ENTRY_NAME: 'data', PART_ENTRY_OFFSET: '131072' });
    await withBoot((mnt) => {
      expect(readFileSync(join(mnt, 'coreos-firstboot-network/eth0.nmconnection'), 'utf8')).to.equal(
        '[connection]\nid=eth0\n',
      );
      const options =
        /^options (.*)$/m.exec(readFileSync(join(mnt, 'loader/entries/ostree-1.conf'), 'utf8'))?.[1] ?? '';
      expect(options).to.match(
        /^mitigations=auto,nosmt ignition\.platform\.id=qemu .* console=tty0 console=ttyS0,115200n8$/,
      );
    });
  });

  describe('--image-url', () => {
    let server: Server;
    let url: string;
    const image = (): Buffer => readFileSync(join(host.root, 'tmp/installed.img'));
    before(async () => {
      server = createServer((req, res) => {
        const body =
          req.url === '/fcos.raw'
            ? image()
            : req.url === '/fcos.raw.sig'
              ? Buffer.from(`sha256:${createHash('sha256').update(image()).digest('hex')}`)
              : null;
        res.writeHead(body === null ? 404 : 200).end(body ?? 'not found');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('downloads the image and verifies its signature (--image-url wins over --offline, as upstream: no conflict)', async () => {
      const result = await install('--offline', '--image-url', `${url}/fcos.raw`, disk.device);

      expect(result.code, result.lines.join('\n')).to.equal(0);
      expect(result.lines.slice(0, 2)).to.deep.equal([
        `Downloading image from ${url}/fcos.raw`,
        `Downloading signature from ${url}/fcos.raw.sig`,
      ]);
    });

    it('fails on a missing image', async () => {
      const result = await install('--image-url', `${url}/missing.raw`, '--insecure', disk.device);

      expect(result.code).to.equal(1);
      expect(result.lines.slice(0, 3).map((l) => l.replace(/:.*/, ''))).to.deep.equal([
        'Downloading image from http',
        'Downloading signature from http',
        'Failed to fetch signature',
      ]);
      expect(result.last).to.equal('Error: image fetch failed: 404 Not Found');
    });
  });
  it('control boot_mib sizes the boot filesystem: a 20 MiB Ignition config fits in 40 MiB', async () => {
    const big = `{"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "/big", "contents": {"source": "data:;base64,${'QUJD'.repeat(5 * 1024 * 1024)}"}}]}}`;
    writeInRoot('tmp/big.ign', big);
    host.setControl({ boot_mib: 40 });

    const result = await install('-i', '/tmp/big.ign', '--offline', disk.device);

    expect(result.code, result.lines.join('\n')).to.equal(0);
    expect(result.lines.filter((l) => l.startsWith('Read disk ')).pop()).to.equal('Read disk 72.0 MiB/72.0 MiB (100%)');
    await withBoot((mnt) => {
      const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
      expect(sha256(readFileSync(join(mnt, 'ignition/config.ign')))).to.equal(sha256(big));
    });
  });
});
