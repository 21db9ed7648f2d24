/**
 * IgnitionStages against Debian's real Ignition 2.14: fetch from the running
 * system, then mount/files/umount into a deployment-like root whose `var` is a
 * fresh directory bind-mounted in a private mount namespace. Needs root (for
 * unshare and mount) and the ignition, passwd and systemd packages; a
 * `setfiles` shim stands in for policycoreutils (as test/helpers/ignition-sandbox.ts).
 */
import { expect } from 'chai';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IgnitionStageError } from '../../../common/errors.js';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { IgnitionStages } from '../../../reprovision/staged/ignition-stages.js';
import { IGNITION_BIN, ignitionUnavailableReason } from '../../helpers/ignition-sandbox.js';

const CORE_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILQiN9Q/aDziYUmCkSCpyuCknFLKt8jbpreBdPnmYjht core@example';
const UNIT =
  '[Unit]\nDescription=Reprovisioned\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';
const CONFIG = {
  ignition: { version: '3.4.0-experimental' },
  passwd: { users: [{ name: 'core', sshAuthorizedKeys: [CORE_KEY] }] },
  storage: {
    directories: [{ path: '/etc/reprov.d', mode: 0o700 }],
    files: [
      { path: '/etc/reprov.conf', mode: 0o644, contents: { source: 'data:,hello%20etc%0A' } },
      { path: '/var/lib/x/state', mode: 0o600, contents: { source: 'data:;base64,aGVsbG8gdmFyCg==' } },
    ],
    links: [{ path: '/etc/reprov-link', target: '/etc/reprov.conf' }],
  },
  systemd: { units: [{ name: 'reprov.service', enabled: true, contents: UNIT }] },
};

/** Why this test cannot run here, or null. */
async function unavailableReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (unshare --mount and mount --bind)';
  return ignitionUnavailableReason();
}

/** A deployment-like root: account files (root, core uid 1000 with its home), SELinux config, empty var. */
async function makeRoot(root: string): Promise<void> {
  await mkdir(join(root, 'etc', 'selinux'), { recursive: true, mode: 0o755 });
  await mkdir(join(root, 'var'), { mode: 0o755 });
  await writeFile(
    join(root, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/bash\ncore:x:1000:1000::/home/core:/bin/bash\n',
  );
  await writeFile(join(root, 'etc', 'group'), 'root:x:0:\ncore:x:1000:\n');
  await writeFile(join(root, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\ncore:*:19000:0:99999:7:::\n', {
    mode: 0o600,
  });
  await writeFile(join(root, 'etc', 'gshadow'), 'root:*::\ncore:!::\n', { mode: 0o600 });
  await writeFile(join(root, 'etc', 'selinux', 'config'), 'SELINUX=permissive\nSELINUXTYPE=targeted\n');
  // What FCOS's populate-var asks systemd-tmpfiles for (FCOS ships such a line for /var/home in its tmpfiles.d).
  await mkdir(join(root, 'usr', 'lib', 'tmpfiles.d'), { recursive: true });
  await writeFile(join(root, 'usr', 'lib', 'tmpfiles.d', 'var.conf'), 'd /var/home 0755 root root -\n');
  // Ignition writes ~core/.ssh as core: the home must exist and be core's (usermod does not create it).
  await mkdir(join(root, 'home'), { mode: 0o755 });
  await mkdir(join(root, 'home', 'core'), { mode: 0o700 });
  await chown(join(root, 'home', 'core'), 1000, 1000);
}

/**
 * The mount points in /proc/self/mountinfo under `dir`. Other work on the host
 * mounts and unmounts concurrently, so only this test's own directory is
 * compared, not the whole table.
 */
async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(dir));
}

/** The pids whose command line mentions `text` (this test's temp dir). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(join('/proc', pid, 'cmdline'), 'utf8').catch(() => '');
    if (cmdline.includes(text)) found.push(pid);
  }
  return found;
}

/** Poll until `check` is true or `ms` have passed; returns its last answer. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('reprovision/staged IgnitionStages with real Ignition 2.14', function () {
  this.timeout(60_000);
  let dir: string;
  let root: string;
  let freshVar: string;
  let stages: IgnitionStages;

  before(async function () {
    const reason = await unavailableReason();
    if (reason !== null) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ign-staged-'));
    await chmod(dir, 0o755);
    root = join(dir, 'deploy');
    freshVar = join(dir, 'var.new');
    await makeRoot(root);
    await mkdir(freshVar, { mode: 0o755 });
    const shim = join(dir, 'shim');
    await mkdir(shim);
    await writeFile(join(shim, 'setfiles'), '#!/bin/sh\ncat > /dev/null\nexit 0\n', { mode: 0o755 });
    const env = { PATH: `${shim}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
    const workDir = join(dir, 'work');
    stages = new IgnitionStages({ runner: new ExecaRunner(), fs: new NodeFs(), ignition: IGNITION_BIN, workDir, env });
  });

  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes /etc into the root and /var into the fresh /var, leaving no mount behind', async () => {
    expect(await mountsUnder(dir)).to.deep.equal([]);

    const fetched = await stages.fetch(JSON.stringify(CONFIG), 'metal');
    await stages.apply(root, freshVar, 'metal');

    expect(fetched).to.include({ neededNetwork: false, ranFetch: false });
    expect(await mountsUnder(dir)).to.deep.equal([]);
    expect(await readFile(join(root, 'etc', 'reprov.conf'), 'utf8')).to.equal('hello etc\n');
    expect(await mode(join(root, 'etc', 'reprov.d'))).to.equal(0o700);
    expect(await readlink(join(root, 'etc', 'reprov-link'))).to.equal('/etc/reprov.conf');
    expect(await readFile(join(freshVar, 'lib', 'x', 'state'), 'utf8')).to.equal('hello var\n');
    expect(await mode(join(freshVar, 'lib', 'x', 'state'))).to.equal(0o600);
    expect(await readdir(join(root, 'var'))).to.deep.equal([]);
  });

  it('populates the fresh /var before the files stage, as FCOS does (lib and log, tmpfiles.d entries)', async () => {
    await stages.fetch(JSON.stringify(CONFIG), 'metal');
    await stages.apply(root, freshVar, 'metal');

    expect((await readdir(freshVar)).sort()).to.deep.equal(['home', 'lib', 'log']);
    expect(await mode(join(freshVar, 'home'))).to.equal(0o755);
  });

  it('runs the fetch stage when the config itself is remote (a merge URL), then applies the merged config', async () => {
    const extra = {
      ignition: { version: '3.3.0' },
      storage: { files: [{ path: '/etc/merged', contents: { source: 'data:,m' } }] },
    };
    const server = createHttpServer((_req, res) => res.end(JSON.stringify(extra)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = address !== null && typeof address === 'object' ? address.port : 0;
    const pointer = {
      ignition: { version: '3.3.0', config: { merge: [{ source: `http://127.0.0.1:${port}/extra.ign` }] } },
    };

    try {
      const fetched = await stages.fetch(JSON.stringify(pointer), 'metal');
      await stages.apply(root, freshVar, 'metal');

      expect(fetched).to.include({ neededNetwork: true, ranFetch: true });
      expect(await readFile(join(root, 'etc', 'merged'), 'utf8')).to.equal('m');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("merges the distribution's base.d and base.platform.d/<platform> configs under the user config", async () => {
    const file = (path: string): string =>
      JSON.stringify({
        ignition: { version: '3.3.0' },
        storage: { files: [{ path, contents: { source: 'data:,b' } }] },
      });
    const base = join(dir, 'initrd-usr-lib-ignition');
    await mkdir(join(base, 'base.d'), { recursive: true });
    await mkdir(join(base, 'base.platform.d', 'metal'), { recursive: true });
    await mkdir(join(base, 'base.platform.d', 'qemu'), { recursive: true });
    await writeFile(join(base, 'base.d', '00-base.ign'), file('/etc/from-base'));
    await writeFile(join(base, 'base.platform.d', 'metal', '10-metal.ign'), file('/etc/from-metal'));
    await writeFile(join(base, 'base.platform.d', 'qemu', '10-qemu.ign'), file('/etc/from-qemu'));
    const env = { PATH: `${join(dir, 'shim')}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
    const workDir = join(dir, 'work');
    const based = new IgnitionStages({
      runner: new ExecaRunner(),
      fs: new NodeFs(),
      ignition: IGNITION_BIN,
      workDir,
      env,
      baseConfigDir: base,
    });

    const fetched = await based.fetch(JSON.stringify(CONFIG), 'metal');
    await based.apply(root, freshVar, 'metal');

    expect(fetched.baseConfigs).to.deep.equal(['base.d/00-base.ign', 'base.platform.d/metal/10-metal.ign']);
    expect(await readFile(join(root, 'etc', 'from-base'), 'utf8')).to.equal('b');
    expect(await readFile(join(root, 'etc', 'from-metal'), 'utf8')).to.equal('b');
    expect(await readFile(join(root, 'etc', 'reprov.conf'), 'utf8')).to.equal('hello etc\n');
    expect(await readdir(join(root, 'etc'))).to.not.include('from-qemu');
  });

  it('writes the unit and enables it by a preset (Ignition 2.14 makes no .wants symlink)', async () => {
    await stages.fetch(JSON.stringify(CONFIG), 'metal');
    await stages.apply(root, freshVar, 'metal');

    const systemd = join(root, 'etc', 'systemd');
    expect(await readFile(join(systemd, 'system', 'reprov.service'), 'utf8')).to.equal(UNIT);
    expect(await readFile(join(systemd, 'system-preset', '20-ignition.preset'), 'utf8')).to.equal(
      'enable reprov.service\n',
    );
    expect(await readdir(join(systemd, 'system'))).to.deep.equal(['reprov.service']);
  });

  it("writes core's key to ~/.ssh/authorized_keys.d/ignition, owned by core, 0600", async () => {
    await stages.fetch(JSON.stringify(CONFIG), 'metal');
    await stages.apply(root, freshVar, 'metal');

    const keys = join(root, 'home', 'core', '.ssh', 'authorized_keys.d', 'ignition');
    expect(await readFile(keys, 'utf8')).to.include(CORE_KEY);
    expect(await mode(keys)).to.equal(0o600);
    expect((await stat(keys)).uid).to.equal(1000);
  });

  it('fails in the files stage with Ignition CRITICAL message when a source is unreachable', async () => {
    const port = await closedPort();
    const config = structuredClone(CONFIG) as typeof CONFIG & { ignition: { timeouts?: { httpTotal: number } } };
    // A total HTTP timeout, or Ignition retries the refused connection for ever (as it waits for network in the initrd).
    config.ignition.timeouts = { httpTotal: 2 };
    config.storage.files.push({
      path: '/var/lib/x/remote',
      mode: 0o644,
      contents: { source: `http://127.0.0.1:${port}/x` },
    });
    expect(await mountsUnder(dir)).to.deep.equal([]);

    const fetched = await stages.fetch(JSON.stringify(config), 'metal');
    const error = await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e);

    expect(fetched).to.include({ neededNetwork: true, ranFetch: false });
    expect(error).to.be.instanceOf(IgnitionStageError);
    const stageError = error as IgnitionStageError;
    expect(stageError.stage).to.equal('files');
    expect(stageError.message).to.include('Ignition stage files failed (exited with code 1)');
    expect(stageError.message).to.include('/var/lib/x/remote": unable to fetch resource in time');
    expect(stageError.message).to.include('discard both');
    expect(stageError.message).to.not.include(CORE_KEY);
    expect(await mountsUnder(dir)).to.deep.equal([]);
    expect(await readdir(join(root, 'var'))).to.deep.equal([]);
  });

  it("quotes a failed useradd without the user's password hash", async () => {
    const hash = '$6$rounds=4096$reprovisionSALT$NotARealHashButSecretAnyway';
    const config = {
      ignition: { version: '3.3.0' },
      passwd: { users: [{ name: 'ops', passwordHash: hash, primaryGroup: 'nosuchgroup' }] },
    };

    await stages.fetch(JSON.stringify(config), 'metal');
    const error = (await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e)) as IgnitionStageError;

    expect(error).to.be.instanceOf(IgnitionStageError);
    expect(error.stage).to.equal('files');
    expect(error.message).to.include("useradd: group 'nosuchgroup' does not exist");
    expect(error.message).to.include('"--password" "<redacted>"');
    expect(error.message + JSON.stringify(error)).to.not.include('reprovisionSALT');
  });

  it('on a Runner timeout, kills every process of the run (Ignition retries a refused source for ever)', async () => {
    const port = await closedPort();
    const config = structuredClone(CONFIG);
    config.storage.files.push({
      path: '/var/lib/x/remote',
      mode: 0o644,
      contents: { source: `http://127.0.0.1:${port}/x` },
    });
    const workDir = join(dir, 'work');
    const env = { PATH: `${join(dir, 'shim')}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
    const timed = new IgnitionStages({
      runner: new ExecaRunner(),
      fs: new NodeFs(),
      ignition: IGNITION_BIN,
      workDir,
      env,
      timeoutMs: 3000,
    });
    expect(await mountsUnder(dir)).to.deep.equal([]);
    await timed.fetch(JSON.stringify(config), 'metal');

    const error = await timed.apply(root, freshVar, 'metal').catch((e: unknown) => e);

    expect(error).to.be.instanceOf(IgnitionStageError);
    expect((error as IgnitionStageError).stage).to.equal('files');
    expect((error as IgnitionStageError).message).to.include('Ignition stage files failed (was killed or timed out)');
    expect(await eventually(async () => (await processesMentioning(root)).length === 0, 2000)).to.equal(true);
    expect(await mountsUnder(dir)).to.deep.equal([]);
  });
});
