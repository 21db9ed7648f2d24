/**
 * End to end: build the project's Dockerfile with podman on a Debian base made
 * locally with debootstrap (no container registry), run the image the way
 * ironic-agent.service does (privileged, host network, /dev, /sys, a host
 * root at /mnt/coreos) in standalone mode, and query GET /v1/status.
 *
 * Slow (the first run debootstraps the base, about a minute; every run builds
 * the image, one to three minutes). SKIP_CONTAINER_TESTS=1 skips it.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { buildAgentImage, projectVersion } from '../../testbed/agent-image.js';
import { imageCommands } from '../helpers/container-tools.js';
import {
  compileCacheLog,
  freePort,
  ImageRunner,
  postCommand,
  startStandaloneAgent,
  waitForStatus,
} from '../helpers/agent-container.js';
import { BmcDetector } from '../../agent/hardware/generic/bmc.js';
import { RecordingFsReader } from '../helpers/fs-tree.js';
import { createTestLogger } from '../helpers/logger.js';
import { commandsOnPath, failedVersionRuns, nodeInImage, VERSION_ARGS, versionRuns } from '../helpers/tool-versions.js';
import { MISSING_STRESS_NG } from '../../agent/hardware/generic/burnin.js';
import type { Podman } from '../../testbed/podman.js';
import { imageSuitePodman } from '../helpers/container-suite.js';
import { containerApplyArgs, reprovisionInContainer, writeContainerOstree } from '../helpers/reprovision-container.js';
import { defaultDeployment, freshSysroot, realOstree } from '../helpers/reprovision-real.js';

describe('container image', function () {
  this.timeout(30 * 60_000);
  const suffix = randomBytes(4).toString('hex');
  const image = `localhost/ironic-coreos-agent-test/agent:${suffix}`;
  const container = `ign-agent-${suffix}`;
  let dir: string | undefined;
  let podman: Podman;
  let built = false;
  /** The standalone agent's port, once the GET /v1/status test started it. */
  let port: number | undefined;

  before(async function () {
    ({ dir, podman } = await imageSuitePodman(this, '/var/tmp/ign-image-'));
    built = true;
    await buildAgentImage(podman, image, dir);
  });

  after(async () => {
    if (dir === undefined) return;
    await podman.run(['rm', '-f', '-t', '0', container], { okExitCodes: [0, 1, 125] });
    if (built) await podman.run(['rmi', '-f', image], { okExitCodes: [0, 1, 125] });
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a supported Node and the bundle, without node_modules', async () => {
    const node = await nodeInImage(podman, image, ['--version']);
    const files = await nodeInImage(podman, image, [
      '-e',
      "const { existsSync } = require('node:fs'); const at = (p) => existsSync('/opt/ironic-coreos-agent/' + p);" +
        "console.log(JSON.stringify([at('dist/bundle/cli.mjs'), at('dist/bundle/healthcheck.mjs'), at('node_modules')]))",
    ]);

    expect(node.trim()).to.match(/^v22\./);
    expect(JSON.parse(files)).to.deep.equal([true, true, false]);
  });

  it('starts the agent from the compile cache made at build time: node accepts every module it loads from it', async () => {
    const result = await podman.run(
      ['run', '--rm', '-e', 'NODE_DEBUG_NATIVE=COMPILE_CACHE', image, 'agent', '--help'],
      { okExitCodes: [0] },
    );
    const { directory, loaded, accepted } = compileCacheLog(result.stderr);

    expect(directory, result.stderr.slice(0, 2000)).to.equal('/opt/ironic-coreos-agent/compile-cache');
    expect(loaded).to.include('file:///opt/ironic-coreos-agent/dist/bundle/cli.mjs');
    expect(loaded.length).to.be.greaterThan(10);
    expect([...accepted].sort()).to.deep.equal([...loaded].sort());
  });

  it('has on PATH the commands container/README.md lists (and gzip and sh for tar -z), node, and nothing else', async () => {
    const expected = await imageCommands({ burnin: false });
    const onPath = await commandsOnPath(podman, image);

    expect(onPath).to.deep.equal(expected);
  });

  it('starts every command it ships: each prints its version, so no library it links is missing', async () => {
    const shipped = await imageCommands({ burnin: false });

    const runs = await versionRuns(podman, image, [...shipped, 'stress-ng']);

    expect(Object.keys(VERSION_ARGS).sort()).to.deep.equal(await imageCommands({ burnin: true }));
    expect(failedVersionRuns(runs, shipped)).to.deep.equal([]);
    expect(runs['stress-ng']).to.include({ status: null, error: 'ENOENT' });
    expect(runs['ipmitool']?.output).to.equal('ipmitool version 1.8.19');
  });

  it("runs the agent's exact ipmitool argv through the default open interface: only the absent /dev/ipmi0 fails it", async () => {
    // The detector sees an IPMI device node (as on a server) while the container has none.
    const devRoot = join(dir ?? '', 'dev');
    await mkdir(devRoot);
    await writeFile(join(devRoot, 'ipmi0'), '');
    const runner = new ImageRunner(podman, image);

    const info = await new BmcDetector(runner, new RecordingFsReader(), createTestLogger().logger, devRoot).detect();

    expect(info).to.deep.equal({ address: null, v6address: null, mac: null });
    expect(runner.runs.map((r) => r.argv)).to.deep.equal([
      ['ipmitool', 'lan', 'print', '1'],
      ['ipmitool', 'lan6', 'print', '1', 'enables'],
    ]);
    for (const run of runner.runs) {
      // ipmitool 1.8.19 warns first that the IANA enterprise-numbers registry is absent (Debian's build did too).
      expect(
        run.stderr.split('\n').filter((l) => l !== ''),
        run.argv.join(' '),
      ).to.deep.equal([
        'IANA PEN registry open failed: No such file or directory',
        'Could not open device at /dev/ipmi0 or /dev/ipmi/0 or /dev/ipmidev/0: No such file or directory',
      ]);
      expect(run.exitCode, run.argv.join(' ')).to.equal(1);
    }
  });

  it('runs the shipped tools: tar -z (through /bin/sh -c gzip), ps naming root', async () => {
    const tar = await podman.run(['run', '--rm', '--entrypoint', 'tar', image, '-czf', '-', '-C', '/etc', '.']);
    const ps = await podman.run(['run', '--rm', '--entrypoint', 'ps', image, '-o', 'user=', '-p', '1']);

    expect(tar.exitCode).to.equal(0);
    expect(tar.stdout.length).to.be.greaterThan(0);
    expect(ps.stdout.trim()).to.equal('root');
  });

  it('reads a FAT file system with mtools (glibc loads the CP850 iconv module)', async () => {
    const esp = join(dir ?? '', 'esp.img');
    const runner = new ExecaRunner();
    await runner.run(['truncate', '-s', '8M', esp]);
    await runner.run(['mkfs.vfat', '-n', 'ESP', esp]);

    const result = await podman.run(
      ['run', '--rm', '-v', `${esp}:/esp.img:ro`, '--entrypoint', 'mdir', image, '-i', '/esp.img', '::/'],
      { okExitCodes: [0, 1] },
    );

    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout).to.contain('Volume in drive : is ESP');
  });

  it("ships openshift/ironic-agent-image's defaults as /etc/ironic-python-agent/00-defaults.conf", async () => {
    const shipped = await readFile(new URL('../../container/ironic-python-agent.conf', import.meta.url), 'utf8');

    const result = await podman.run([
      'run',
      '--rm',
      '--entrypoint',
      'cat',
      image,
      '/etc/ironic-python-agent/00-defaults.conf',
    ]);

    expect(result.stdout).to.equal(shipped);
  });

  it('carries the OCI labels, healthcheck, the CLI as entrypoint and agent as the default command', async () => {
    const result = await podman.run(['image', 'inspect', image]);
    const [inspected] = JSON.parse(result.stdout) as {
      Config: { Labels: Record<string, string>; Entrypoint: string[]; Cmd: string[] };
      Healthcheck?: { Test: string[] };
    }[];
    const config = { ...inspected?.Config, Healthcheck: inspected?.Healthcheck };
    const version = await projectVersion();

    expect(config.Labels).to.include({
      'org.opencontainers.image.title': 'ironic-coreos-agent',
      'org.opencontainers.image.version': version,
      'io.github.ironic-coreos-agent.burnin': 'false',
    });
    expect(config.Entrypoint).to.deep.equal(['/usr/local/bin/node', '/opt/ironic-coreos-agent/dist/bundle/cli.mjs']);
    expect(config.Cmd).to.deep.equal(['agent']);
    expect(config.Healthcheck?.Test).to.deep.equal([
      'CMD',
      '/usr/local/bin/node',
      '/opt/ironic-coreos-agent/dist/bundle/healthcheck.mjs',
    ]);
  });

  it('serves GET /v1/status in standalone mode, privileged on the host network', async () => {
    port = await freePort();
    await startStandaloneAgent(podman, { image, name: container, workDir: dir ?? '', token: `token-${suffix}`, port });

    const { status, body } = await waitForStatus(podman, container, port, 90_000);

    expect(status).to.equal(200);
    expect(body).to.have.property('started_at').that.is.a('number');
    expect(body).to.have.property('version').that.is.a('string');
    const health = await podman.run(['healthcheck', 'run', container], { okExitCodes: [0, 1] });
    expect(health.exitCode, `healthcheck: ${health.stdout}${health.stderr}`).to.equal(0);
    const logs = await podman.run(['logs', container]);
    expect(`${logs.stdout}${logs.stderr}`).not.to.contain(`token-${suffix}`);
  });

  it('fails a requested burn-in step at once and says how to get stress-ng (BURNIN=true)', async function () {
    if (port === undefined) this.skip();
    const step = { interface: 'deploy', step: 'burnin_cpu', args: {}, priority: 0 };
    const node = { uuid: `burnin-${suffix}`, driver_info: { agent_burnin_cpu_timeout: '1' } };

    const { status, body } = await postCommand(port, `token-${suffix}`, 'clean.execute_clean_step', {
      step,
      node,
      ports: [],
    });

    expect(status, JSON.stringify(body)).to.equal(200);
    expect(body['command_status']).to.equal('FAILED');
    expect((body['command_error'] as { details?: string } | undefined)?.details).to.equal(
      `stress-ng (cpu) failed with error Command not found: stress-ng. ${MISSING_STRESS_NG}`,
    );
  });

  it('runs reprovision apply and status against a sysroot mounted into the container', async function () {
    const work = '/var/tmp/ica-reprovision-container';
    const found = await realOstree(work);
    if (found.path === undefined) {
      console.log(`      (skipping: ${found.reason})`);
      this.skip();
    }
    const sysroot = await freshSysroot();
    try {
      const config = join(work, 'new.ign');
      await writeFile(config, JSON.stringify({ ignition: { version: '3.4.0' } }));
      const ostree = writeContainerOstree(work);
      const applied = await reprovisionInContainer(podman, image, containerApplyArgs(sysroot, ostree, config));
      expect(applied.exitCode, applied.stderr).to.equal(0);
      expect(defaultDeployment(sysroot.sysroot).id).to.not.equal(sysroot.deployment);
      expect(await readFile(join(sysroot.sysroot, 'boot/ignition/config.ign'), 'utf8')).to.include('3.4.0');
      const status = await reprovisionInContainer(podman, image, ['status', '--sysroot', sysroot.sysroot, '--json']);
      expect(JSON.parse(status.stdout)).to.have.nested.property('reprovision.phase', 'switched');
    } finally {
      await sysroot.cleanup();
    }
  });
});
