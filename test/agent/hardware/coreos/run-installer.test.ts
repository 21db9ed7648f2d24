import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import type { InstallerProgress } from '../../../../agent/hardware/coreos/installer-progress.js';
import { runInstaller } from '../../../../agent/hardware/coreos/run-installer.js';
import { createLogger, MemoryTransport } from '../../../../agent/logger.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../helpers/logger.js';

const ARGV = ['chroot', '/mnt/coreos', 'coreos-installer', 'install', '--preserve-on-error', '--offline', '/dev/sda'];
const SUCCESS_LINES = [
  'Installing Fedora CoreOS 40.20240416.3.1 x86_64 (512-byte sectors)',
  'Read disk 1.2 GiB/3.4 GiB (35%)',
  'Read disk 3.4 GiB/3.4 GiB (100%)',
  'Writing Ignition config',
  'Install complete.',
];
/** A failed disk write as coreos-installer prints it (src/install.rs): the report with its cause, the cleanup, then "install failed". */
const FAILURE_LINES = [
  'Installing Fedora CoreOS 40 x86_64 (512-byte sectors)',
  'Read disk 1.2 GiB/3.4 GiB (35%)',
  '',
  'Error: decoding and writing image',
  '',
  'Caused by:',
  '    No space left on device (os error 28)',
  '',
  'Resetting partition table',
  'Error: install failed',
  '',
];
const FAILURE_MESSAGE = 'install failed: decoding and writing image: No space left on device (os error 28)';

describe('hardware/coreos/run-installer', () => {
  it('streams every line to the info log and reports progress', async () => {
    const { logger, memory } = createTestLogger();
    const runner = new FakeRunner().expect({ match: ARGV, lines: SUCCESS_LINES });
    const progress: InstallerProgress[] = [];

    await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
      progress: (p) => progress.push(p),
    });

    const output = memory.entries.filter((e) => e['message'] === 'coreos-installer output');
    expect(output.map((e) => e['line'])).to.deep.equal(SUCCESS_LINES);
    expect(output.map((e) => e['level'])).to.deep.equal(SUCCESS_LINES.map(() => 'info'));
    expect(progress.map((p) => [p.phase, p.percent])).to.deep.equal([
      ['source', null],
      ['write', 35],
      ['write', 100],
      ['ignition', null],
      ['complete', 100],
    ]);
  });

  it('retries a failing install: fails twice, then succeeds on the third of 3 calls', async () => {
    const { logger, memory } = createTestLogger();
    const runner = new FakeRunner().expect(
      { match: ARGV, exitCode: 1, lines: FAILURE_LINES },
      { match: ARGV, exitCode: 1, lines: FAILURE_LINES },
      { match: ARGV, lines: SUCCESS_LINES },
    );

    await runInstaller({ runner, logger, argv: ARGV, rootMount: '/mnt/coreos', clock: new FakeClock() });

    expect(runner.calls).to.have.length(3);
    expect(
      memory.entries.filter((e) => e['message'] === 'coreos-installer attempt failed').map((e) => e['attempt']),
    ).to.deep.equal([1, 2]);
  });

  it('gives up after 3 attempts with the installer\'s error and its cause chain, not just "install failed"', async () => {
    const { logger } = createTestLogger();
    const runner = new FakeRunner().expect({ match: ARGV, exitCode: 1, lines: FAILURE_LINES, repeat: true });

    const error = await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
    }).catch((e: unknown) => e);

    expect(runner.calls).to.have.length(3);
    expect(error).to.be.instanceOf(DeploymentError);
    expect((error as DeploymentError).details).to.equal(
      `coreos-installer failed with code 1 (attempt 3 of 3): ${FAILURE_MESSAGE}`,
    );
  });

  it("logs the installer's error report at info level, so a default agent log (and the log tarball) has it", async () => {
    const memory = new MemoryTransport();
    const logger = createLogger({ transports: [memory] });
    const runner = new FakeRunner().expect({ match: ARGV, exitCode: 1, lines: FAILURE_LINES, repeat: true });

    await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
      attempts: 1,
    }).catch(() => undefined);

    const logged = memory.entries.filter((e) => e['message'] === 'coreos-installer output').map((e) => e['line']);
    expect(logged).to.deep.equal(FAILURE_LINES.filter((l) => l !== ''));
  });

  it('reports the last error, not the most frequent one', async () => {
    const { logger } = createTestLogger();
    const runner = new FakeRunner().expect(
      { match: ARGV, exitCode: 1, lines: ['Error: A'] },
      { match: ARGV, exitCode: 1, lines: ['Error: A'] },
      { match: ARGV, exitCode: 2, lines: ['error: B'] },
    );

    const error = await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
    }).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.equal('coreos-installer failed with code 2 (attempt 3 of 3): B');
  });

  it('uses stderr when nothing was streamed', async () => {
    const { logger } = createTestLogger();
    const runner = new FakeRunner().expect({
      match: ARGV,
      exitCode: 1,
      stderr: 'Error: cannot perform offline install; metadata missing\n',
      repeat: true,
    });

    const error = await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
      attempts: 1,
    }).catch((e: unknown) => e);

    expect(runner.calls).to.have.length(1);
    expect((error as DeploymentError).details).to.equal(
      'coreos-installer failed with code 1 (attempt 1 of 1): cannot perform offline install; metadata missing',
    );
  });

  it('does not retry when coreos-installer is missing in the root (chroot exit 127)', async () => {
    const { logger } = createTestLogger();
    const runner = new FakeRunner().expect({
      match: ARGV,
      exitCode: 127,
      stderr: "chroot: failed to run command 'coreos-installer': No such file or directory\n",
      repeat: true,
    });

    const error = await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
    }).catch((e: unknown) => e);

    expect(runner.calls).to.have.length(1);
    expect((error as DeploymentError).details).to.match(
      /^coreos-installer not found in \/mnt\/coreos: chroot: failed to run command/,
    );
  });

  it('does not retry when chroot itself is missing', async () => {
    const { logger } = createTestLogger();
    const runner = new FakeRunner().expect({ match: ARGV, notFound: true, repeat: true });

    const error = await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
    }).catch((e: unknown) => e);

    expect(runner.calls).to.have.length(1);
    expect((error as DeploymentError).details).to.contain(
      'coreos-installer not found in /mnt/coreos: Command not found: chroot',
    );
  });

  it('masks URL credentials in logged lines and in the error', async () => {
    const { logger, memory } = createTestLogger();
    const runner = new FakeRunner().expect({
      match: ARGV,
      exitCode: 1,
      lines: ['Error: fetching image URL https://u:hunter2@h/x.raw'],
      repeat: true,
    });

    const error = await runInstaller({
      runner,
      logger,
      argv: ARGV,
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
    }).catch((e: unknown) => e);

    expect((error as DeploymentError).details).to.contain('https://***@h/x.raw');
    expect(memory.text()).not.to.contain('hunter2');
  });

  describe('with a presigned image URL', () => {
    const SECRET = 'temp_url_sig=5ecre7&temp_url_expires=1700000000';
    const URL_ARGV = [
      ...ARGV.slice(0, 5),
      '--image-url',
      `https://swift/v1/AUTH_a/c/fcos.raw.xz?${SECRET}`,
      '--insecure',
      '/dev/sda',
    ];

    it('masks the query in logged lines, progress lines and the error', async () => {
      const { logger, memory } = createTestLogger();
      const lines = [
        `Downloading image from https://swift/v1/AUTH_a/c/fcos.raw.xz?${SECRET}`,
        `Error: downloading https://swift/x?${SECRET}: 401`,
      ];
      const runner = new FakeRunner().expect({ match: URL_ARGV, exitCode: 1, lines, repeat: true });
      const progress: InstallerProgress[] = [];

      const error = await runInstaller({
        runner,
        logger,
        argv: URL_ARGV,
        rootMount: '/mnt/coreos',
        clock: new FakeClock(),
        progress: (p) => progress.push(p),
      }).catch((e: unknown) => e);

      expect((error as DeploymentError).details).to.equal(
        'coreos-installer failed with code 1 (attempt 3 of 3): downloading https://swift/x?*** 401',
      );
      expect(progress[0]?.line).to.equal('Downloading image from https://swift/v1/AUTH_a/c/fcos.raw.xz?***');
      expect(JSON.stringify(progress)).not.to.contain('5ecre7');
      expect(memory.text()).not.to.contain('5ecre7');
    });

    it("masks the query when the error falls back to the runner's details (the full argv)", async () => {
      const { logger, memory } = createTestLogger();
      const runner = new FakeRunner().expect({ match: URL_ARGV, exitCode: 126, repeat: true });

      const error = await runInstaller({
        runner,
        logger,
        argv: URL_ARGV,
        rootMount: '/mnt/coreos',
        clock: new FakeClock(),
      }).catch((e: unknown) => e);

      expect((error as DeploymentError).details).to.contain(
        '--image-url https://swift/v1/AUTH_a/c/fcos.raw.xz?*** --insecure',
      );
      expect(JSON.stringify((error as DeploymentError).toJSON())).not.to.contain('5ecre7');
      expect(memory.text()).not.to.contain('5ecre7');
    });
  });
});
