/**
 * The generated config against the real tools: ignition-validate must print
 * nothing (warnings count as failures) for every spec, and Debian's Ignition
 * must apply it to a temporary root as a live ISO would. systemd then presets
 * and verifies the unit inside that root.
 */
import { expect } from 'chai';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { main } from '../../cli/index.js';
import { SPEC_VERSIONS, type SpecVersion } from '../../ignition/types.js';
import { createIgnitionSandbox, ignitionUnavailableReason, ignitionValidate } from '../helpers/ignition-sandbox.js';

const CORE_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILQiN9Q/aDziYUmCkSCpyuCknFLKt8jbpreBdPnmYjht test@example';
const OPS_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJs8HBARLnKswGTCuWCNsmkuRNfKs6IVI22Ajk6jJEPh ops@example';
const PULL_SECRET = '{"auths":{"registry.example.com:5000":{"auth":"dXNlcjpwYXNz"}}}\n';
const MERGE = {
  ignition: { version: '3.0.0' },
  storage: {
    files: [{ path: '/etc/motd.d/agent.motd', mode: 420, contents: { source: 'data:,Ironic%20agent%20host%0A' } }],
    directories: [{ path: '/var/lib/ironic-extra', mode: 493 }],
  },
  passwd: { users: [{ name: 'ops', sshAuthorizedKeys: [OPS_KEY] }] },
};
const EXPECTED_CONF = [
  '# Written by "ironic-coreos-agent ignition build".',
  '# Host path /etc/ironic-python-agent.conf, mounted read-only at /etc/ironic-python-agent/ignition.conf.',
  '[DEFAULT]',
  'api_url = https://192.0.2.10:6385',
  'inspection_callback_url = https://192.0.2.10:6385/v1/continue_inspection',
  'cafile = /etc/ironic-coreos-agent/ca.crt',
  'enable_vlan_interfaces = all',
  'inspection_collectors = default,logs',
  '',
].join('\n');

/** Ignition 2.14 predates the stable 3.4.0 spec: it rejects 3.4.0 and accepts 3.4.0-experimental. */
function forDebianIgnition(text: string, spec: SpecVersion): string {
  if (spec !== '3.4.0') return text;
  const doc = JSON.parse(text) as { ignition: { version: string } };
  doc.ignition.version = '3.4.0-experimental';
  return JSON.stringify(doc);
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('ignition build with real Ignition and systemd', function () {
  this.timeout(120_000);
  let dir: string;
  let caPem: string;
  const configs = new Map<SpecVersion, string>();

  before(async function () {
    const reason = await ignitionUnavailableReason();
    if (reason !== null) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'ign-real-'));
    // Ignition creates ~core/.ssh as user core, which must be able to reach the root.
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'core.pub'), `${CORE_KEY}\n`);
    await writeFile(join(dir, 'auth.json'), PULL_SECRET);
    await writeFile(join(dir, 'merge.ign'), JSON.stringify(MERGE));
    await new ExecaRunner().run([
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=ironic-ca',
    ]);
    caPem = await readFile(join(dir, 'ca.pem'), 'utf8');
    for (const spec of SPEC_VERSIONS) {
      const io = {
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        env: { HOME: dir },
        cwd: dir,
      };
      const code = await main(
        [
          'ignition',
          'build',
          '--host',
          '192.0.2.10',
          '--ca-file',
          'ca.pem',
          '--registry',
          'registry.example.com:5000/metal3',
          '--insecure-registry',
          '--pull-secret',
          'auth.json',
          '--ssh-key',
          'core.pub',
          '--merge',
          'merge.ign',
          '--http-proxy',
          'http://proxy.example.com:3128',
          '--https-proxy',
          'http://agent:s3cret@proxy.example.com:3128',
          '--no-proxy',
          '192.0.2.10,.example.com',
          '--agent-config',
          'enable_vlan_interfaces=all',
          '--agent-config',
          'inspection_collectors=default,logs',
          '--spec',
          spec,
          '-o',
          `${spec}.ign`,
        ],
        io,
      );
      expect(code, `ignition build --spec ${spec}`).to.equal(0);
      configs.set(spec, await readFile(join(dir, `${spec}.ign`), 'utf8'));
    }
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('--no-ssh-key: ignition-validate prints nothing for the config without passwd', async () => {
    const out: Buffer[] = [];
    const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
    const io = {
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
      env: { HOME: join(dir, 'no-home') },
      cwd: dir,
    };
    const code = await main(
      ['ignition', 'build', '--host', '192.0.2.10', '--registry', 'registry.example.com:5000/metal3', '--no-ssh-key'],
      io,
    );

    const result = await ignitionValidate(Buffer.concat(out).toString('utf8'));

    expect(code).to.equal(0);
    expect(result.output).to.equal('');
    expect(result.exitCode).to.equal(0);
  });

  for (const spec of SPEC_VERSIONS) {
    it(`${spec}: ignition-validate prints nothing`, async () => {
      const result = await ignitionValidate(forDebianIgnition(configs.get(spec) ?? '', spec));

      expect(result.output).to.equal('');
      expect(result.exitCode).to.equal(0);
    });

    it(`${spec}: Ignition writes the conf, unit, secrets and users; systemd presets and verifies the unit`, async () => {
      const text = configs.get(spec) ?? '';
      const unitText = (JSON.parse(text) as { systemd: { units: { contents: string }[] } }).systemd.units[0]?.contents;
      const sandbox = await createIgnitionSandbox(join(dir, `sandbox-${spec}`));
      const root = sandbox.root;

      const { files } = await sandbox.apply(forDebianIgnition(text, spec));

      expect(files.stdout).to.contain('Ignition finished successfully');
      const conf = join(root, 'etc/ironic-python-agent.conf');
      expect(await readFile(conf, 'utf8')).to.equal(EXPECTED_CONF);
      expect(await mode(conf)).to.equal(0o600);
      const unit = join(root, 'etc/systemd/system/ironic-agent.service');
      expect(await readFile(unit, 'utf8')).to.equal(unitText);
      expect(unitText).to.contain(
        'ExecStartPre=/usr/bin/podman pull --tls-verify=false --authfile=/etc/ironic-coreos-agent/auth.json registry.example.com:5000/metal3/ironic-coreos-agent:latest\n',
      );
      expect(unitText)
        .to.contain('Environment="HTTP_PROXY=http://proxy.example.com:3128"\n')
        .and.contain('EnvironmentFile=/etc/ironic-coreos-agent/proxy.env\n');
      expect(unitText).not.to.contain('s3cret');
      expect(await readFile(join(root, 'etc/ironic-coreos-agent/proxy.env'), 'utf8')).to.equal(
        "HTTPS_PROXY='http://agent:s3cret@proxy.example.com:3128'\n",
      );
      expect(await mode(join(root, 'etc/ironic-coreos-agent/proxy.env'))).to.equal(0o600);
      expect(await readFile(join(root, 'etc/ironic-coreos-agent/auth.json'), 'utf8')).to.equal(PULL_SECRET);
      expect(await mode(join(root, 'etc/ironic-coreos-agent/auth.json'))).to.equal(0o600);
      expect(await readFile(join(root, 'etc/pki/ca-trust/source/anchors/ironic-coreos-agent-ca.crt'), 'utf8')).to.equal(
        caPem,
      );
      expect(await readFile(join(root, 'home/core/.ssh/authorized_keys.d/ignition'), 'utf8')).to.contain(CORE_KEY);
      expect(await readFile(join(root, 'home/ops/.ssh/authorized_keys.d/ignition'), 'utf8')).to.contain(OPS_KEY);
      expect(await readFile(join(root, 'etc/passwd'), 'utf8')).to.match(/^core:x:\d+:\d+:/m);
      expect(await readFile(join(root, 'etc/motd.d/agent.motd'), 'utf8')).to.equal('Ironic agent host\n');
      expect((await stat(join(root, 'var/lib/ironic-extra'))).isDirectory()).to.equal(true);
      expect(await readFile(join(root, 'etc/systemd/system-preset/20-ignition.preset'), 'utf8')).to.contain(
        'enable ironic-agent.service',
      );

      await systemdPresetAndVerify(root);
    });
  }
});

/**
 * `systemctl --root preset` must create the multi-user.target.wants link, and
 * `systemd-analyze verify --root` must accept the unit silently. verify
 * resolves dependencies and programs inside the root, so the root gets the
 * host's target units and stubs of /usr/bin/podman and /usr/bin/install (CoreOS ships both; verify
 * only checks that the program exists and is executable, it never runs it).
 */
async function systemdPresetAndVerify(root: string): Promise<void> {
  const runner = new ExecaRunner();
  await runner.run(['systemctl', `--root=${root}`, 'preset', 'ironic-agent.service']);
  const wants = join(root, 'etc/systemd/system/multi-user.target.wants/ironic-agent.service');
  expect(await readlink(wants)).to.equal('/etc/systemd/system/ironic-agent.service');

  const unitDir = join(root, 'usr/lib/systemd/system');
  await mkdir(unitDir, { recursive: true });
  for (const name of (await readdir('/usr/lib/systemd/system')).filter((n) => n.endsWith('.target'))) {
    await copyFile(join('/usr/lib/systemd/system', name), join(unitDir, name));
  }
  await mkdir(join(root, 'usr/bin'), { recursive: true });
  for (const program of ['podman', 'install']) {
    await writeFile(join(root, 'usr/bin', program), '#!/bin/sh\nexit 0\n');
    await chmod(join(root, 'usr/bin', program), 0o755);
  }
  const verify = await runner.run(
    ['systemd-analyze', 'verify', `--root=${root}`, '/etc/systemd/system/ironic-agent.service'],
    { okExitCodes: [0, 1] },
  );
  expect(`${verify.stdout}${verify.stderr}`).to.equal('');
  expect(verify.exitCode).to.equal(0);
}
