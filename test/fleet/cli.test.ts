import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFs } from '../../common/fs/node-fs.js';
import { createFleetCommand } from '../../fleet/cli.js';
import { describeFleetStatus, type FleetStatusDocument } from '../../fleet/status.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeRunner } from '../helpers/fake-runner.js';
import { captureIO } from '../helpers/iso-fixtures.js';

const WORKER =
  '{"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "/etc/role", "contents": {"source": "data:,worker"}}]}}\n';
const CONTROL = '{"ignition": {"version": "3.4.0"}}\n';
const REMOTE_CONFIG = '{"ignition": {"version": "3.3.0"}}';
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

const FLEET = `
remote: {command: [sudo, podman, run, --rm, img], sysroot: /mnt/host}
nodes:
  - {name: w1, role: worker, config: worker.ign, ssh: {address: 192.0.2.1, key: id_ed25519}}
  - {name: w2, role: worker, config: worker.ign, ssh: {address: 192.0.2.2, port: 2222}}
  - {name: w3, role: worker, config: "https://configs.example/w3.ign", ssh: {address: 192.0.2.3}, ironic: {node: w3}}
  - {name: w4, role: worker, config: broken.ign, ssh: {address: 192.0.2.4}}
  - {name: cp1, role: control-plane, config: control.ign, ironic: {node: 5d2c0a4e-1111-4222-8333-000000000001}}
`;

function statusJson(reported: string | null, phase = 'complete'): string {
  return JSON.stringify({
    sysroot: '/mnt/host',
    booted: true,
    deployments: [],
    reprovision: {
      sha256: reported ?? 'f'.repeat(64),
      mode: 'firstboot',
      phase,
      started_at: 't',
      updated_at: 't',
      original: 'a.0',
      deployment: 'b.0',
      backup: null,
      keep: [],
    },
    success:
      reported === null
        ? null
        : { sha256: reported, deployment: 'b.0', boot_id: 'x', recorded_at: 't', operation: 'apply-x' },
    in_effect: reported !== null,
  });
}

const ssh = (address: string, port = '22', key: string[] = []): string[] => [
  'ssh',
  '-o',
  'BatchMode=yes',
  '-o',
  'StrictHostKeyChecking=accept-new',
  '-o',
  'ConnectTimeout=10',
  ...key,
  '-p',
  port,
  `core@${address}`,
  'sudo',
  'podman',
  'run',
  '--rm',
  'img',
  'reprovision',
  'status',
  '--json',
  '--sysroot',
  '/mnt/host',
];

describe('fleet/cli status', () => {
  let dir = '';
  let runner: FakeRunner;
  const fetched: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleet-cli-'));
    await writeFile(join(dir, 'fleet.yaml'), FLEET);
    await writeFile(join(dir, 'worker.ign'), WORKER);
    await writeFile(join(dir, 'control.ign'), CONTROL);
    await writeFile(join(dir, 'broken.ign'), '{"ignition": {"version": "2.2.0"}}');
    const state = {
      version: 1,
      nodes: {
        w2: {
          desiredSha256: sha(WORKER),
          phase: 'failed',
          method: 'ssh',
          attempts: 2,
          startedAt: 't',
          finishedAt: 't',
          lastError: 'timed out after 600 s',
        },
      },
    };
    await writeFile(join(dir, 'fleet.yaml.state.json'), JSON.stringify(state));
    runner = new FakeRunner().expect(
      { match: ssh('192.0.2.1', '22', ['-i', join(dir, 'id_ed25519')]), stdout: statusJson(sha(WORKER)) },
      { match: ssh('192.0.2.2', '2222'), stdout: statusJson(null, 'applying') },
      { match: ssh('192.0.2.3'), exitCode: 255, stderr: 'ssh: connect to host 192.0.2.3 port 22: No route to host' },
      { match: ssh('192.0.2.4'), stdout: statusJson(sha(WORKER)) },
    );
    fetched.length = 0;
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  function command(): ReturnType<typeof createFleetCommand> {
    return createFleetCommand({
      fs: new NodeFs(),
      runner,
      httpGet: async (url) => {
        fetched.push(url);
        return REMOTE_CONFIG;
      },
      clock: new FakeClock({ auto: true }),
      ironicApi: () => {
        throw new Error('status never asks Ironic');
      },
    });
  }

  it('reports desired and reported sha256 per node as JSON, and what the state file recorded', async () => {
    const io = captureIO({ cwd: dir });
    const code = await command().run(['status', '--json', 'fleet.yaml'], io);
    expect(io.err()).to.equal('');
    expect(code).to.equal(0);
    const document = JSON.parse(io.out().toString()) as FleetStatusDocument;
    const byName = Object.fromEntries(document.nodes.map((n) => [n.name, n]));
    expect(document.nodes.map((n) => n.name)).to.deep.equal(['w1', 'w2', 'w3', 'w4', 'cp1']);
    expect(byName['w1']).to.deep.equal({
      name: 'w1',
      role: 'worker',
      method: 'ssh',
      desired_sha256: sha(WORKER),
      reported_sha256: sha(WORKER),
      reported_by: 'ssh',
      node_phase: 'complete',
      in_sync: true,
      phase: null,
      last_error: null,
      errors: [],
    });
    expect(byName['w2']).to.deep.include({
      reported_sha256: null,
      node_phase: 'applying',
      in_sync: false,
      phase: 'failed',
      last_error: 'timed out after 600 s',
    });
    expect(byName['w3']).to.deep.include({ desired_sha256: sha(REMOTE_CONFIG), reported_sha256: null, in_sync: false });
    expect(byName['w3']?.errors[0]).to.match(/^status over SSH: .*No route to host/);
    expect(byName['w4']).to.deep.include({ desired_sha256: null, in_sync: false });
    expect(byName['w4']?.errors[0]).to.match(/broken\.ign is not a valid Ignition config/);
    expect(byName['cp1']).to.deep.include({
      method: 'ironic',
      reported_by: 'none',
      reported_sha256: null,
      desired_sha256: sha(CONTROL),
    });
    expect(fetched).to.deep.equal(['https://configs.example/w3.ign']);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('prints a line per node', async () => {
    const io = captureIO({ cwd: dir });
    expect(await command().run(['status', 'fleet.yaml'], io)).to.equal(0);
    const lines = io.out().toString().split('\n');
    expect(lines[0]).to.equal(
      `w1 (worker, ssh): desired ${sha(WORKER).slice(0, 12)}, reported ${sha(WORKER).slice(0, 12)}: in sync`,
    );
    expect(lines).to.include(
      `w2 (worker, ssh): desired ${sha(WORKER).slice(0, 12)}, reported -: NOT in sync; apply: failed (timed out after 600 s)`,
    );
    expect(lines).to.include(
      `cp1 (control-plane, ironic): desired ${sha(CONTROL).slice(0, 12)}, reported -: no report (no SSH address)`,
    );
  });

  it("shows Ironic's view, named as such, where the node gives no marker and Ironic rebuilt it", async () => {
    const view = { sha256: sha(CONTROL), at: '2026-12-01T10:00:00.000Z' };
    const done = (desired: string, method: string | null, extra: object = {}) => ({
      desiredSha256: desired,
      phase: 'done',
      method,
      attempts: 1,
      startedAt: 't',
      finishedAt: 't',
      lastError: null,
      ...extra,
    });
    await writeFile(
      join(dir, 'fleet.yaml.state.json'),
      JSON.stringify({
        version: 1,
        nodes: {
          cp1: done(sha(CONTROL), 'ironic', { ironicView: view }),
          w3: done(sha(REMOTE_CONFIG), 'ironic', { ironicView: { ...view, sha256: sha(REMOTE_CONFIG) } }),
          w1: done(sha(WORKER), 'ssh', { ironicView: { ...view, sha256: 'a'.repeat(64) } }),
        },
      }),
    );
    const io = captureIO({ cwd: dir });

    expect(await command().run(['status', '--json', 'fleet.yaml'], io)).to.equal(0);

    const byName = Object.fromEntries(
      (JSON.parse(io.out().toString()) as FleetStatusDocument).nodes.map((n) => [n.name, n]),
    );
    expect(byName['cp1']).to.deep.include({ reported_by: 'ironic', reported_sha256: sha(CONTROL), in_sync: true });
    expect(byName['w3']).to.deep.include({ reported_by: 'ironic', reported_sha256: sha(REMOTE_CONFIG), in_sync: true });
    expect(byName['w3']?.errors[0]).to.match(/^status over SSH: .*No route to host/);
    expect(byName['w1']).to.deep.include({ reported_by: 'ssh', reported_sha256: sha(WORKER) });
    expect(describeFleetStatus(JSON.parse(io.out().toString()) as FleetStatusDocument)).to.include(
      `cp1 (control-plane, ironic): desired ${sha(CONTROL).slice(0, 12)}, reported ${sha(CONTROL).slice(0, 12)} (Ironic's view): in sync; apply: done`,
    );
  });

  it('refuses an invalid fleet file with every problem, exit 2, touching no node', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      'nodes:\n  - {name: w1, role: worker, config: c, ssh: {address: h, port: 0}}\n  - {name: w1, role: boss, config: c, ssh: {address: h}}\n',
    );
    const io = captureIO({ cwd: dir });
    expect(await command().run(['status', 'bad.yaml'], io, 'ironic-coreos-agent fleet')).to.equal(2);
    expect(io.err()).to.equal(
      [
        'ironic-coreos-agent fleet status: bad.yaml is not a valid fleet file:',
        '    nodes[0] (name "w1"): ssh.port must be 1-65535',
        '    nodes[1] (name "w1"): name is also used by nodes[0]',
        '    nodes[1] (name "w1"): role must be control-plane or worker, not "boss"',
        'Run "ironic-coreos-agent fleet status --help" for usage.',
        '',
      ].join('\n'),
    );
    expect(runner.calls).to.deep.equal([]);
  });

  it('says which fleet file it cannot read', async () => {
    const io = captureIO({ cwd: dir });
    expect(await command().run(['status', 'missing.yaml'], io)).to.equal(2);
    expect(io.err()).to.match(/cannot read fleet file missing.yaml: ENOENT/);
  });
});
