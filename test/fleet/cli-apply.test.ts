import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFs } from '../../common/fs/node-fs.js';
import type { IronicConnection } from '../../fleet/apply/ironic-client.js';
import type { ApplySummary } from '../../fleet/apply/run.js';
import { createFleetCommand } from '../../fleet/cli.js';
import type { FleetStatusDocument } from '../../fleet/status.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeIronicApi, ironicNode } from '../helpers/fake-ironic-api.js';
import { FakeRunner } from '../helpers/fake-runner.js';
import { CONFIG_SHA, CONFIG_TEXT, OLD_SHA, remoteArgv, statusOf } from '../helpers/fleet-apply.js';
import { captureIO } from '../helpers/iso-fixtures.js';

const FLEET = `
ironic: {endpoint: http://ironic.example:6385}
health: {command: [check-cluster]}
nodes:
  - {name: w1, role: worker, config: node.ign, ssh: {address: w1.example}}
  - {name: w2, role: worker, config: node.ign, ironic: {node: w2}}
  - {name: w3, role: worker, config: node.ign, ssh: {address: w3.example}, method: ssh}
  - {name: c1, role: control-plane, config: node.ign, ssh: {address: c1.example}}
`;
const STATUS = ['status', '--json'];

describe('fleet/cli apply', () => {
  let dir = '';
  let runner: FakeRunner;
  let ironic: FakeIronicApi;
  let connections: IronicConnection[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleet-apply-'));
    await writeFile(join(dir, 'fleet.yaml'), FLEET);
    await writeFile(join(dir, 'node.ign'), CONFIG_TEXT);
    runner = new FakeRunner();
    ironic = new FakeIronicApi({ node: ironicNode('w2') });
    connections = [];
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function run(args: string[], env: Record<string, string> = {}) {
    const command = createFleetCommand({
      fs: new NodeFs(),
      runner,
      httpGet: async () => {
        throw new Error('no URL configs here');
      },
      clock: new FakeClock({ auto: true }),
      ironicApi: (connection) => {
        connections.push(connection);
        return ironic;
      },
    });
    const io = captureIO({ cwd: dir });
    Object.assign(io.env, env);
    const code = await command.run(args, io);
    return { code, out: io.out().toString(), err: io.err() };
  }
  const inPlace = (name: string): void => {
    runner.expect(
      { match: remoteArgv(name, STATUS), stdout: statusOf(OLD_SHA) },
      { match: remoteArgv(name, ['plan', '-']) },
      { match: remoteArgv(name, ['apply', '--now', '-']) },
      { match: remoteArgv(name, STATUS), stdout: statusOf(CONFIG_SHA) },
    );
  };
  const state = async (): Promise<{ nodes: Record<string, Record<string, unknown>> }> =>
    JSON.parse(await readFile(join(dir, 'fleet.yaml.state.json'), 'utf8')) as never;

  it('does the workers (SSH and Ironic), skips the control plane, exits 0, and status then shows each proof', async () => {
    inPlace('w1');
    inPlace('w3');

    const result = await run(['apply', '--json', '--os-token', 's3cret', 'fleet.yaml']);

    expect(result.code, result.err).to.equal(0);
    expect(JSON.parse(result.out) as ApplySummary).to.deep.equal({
      done: ['w1', 'w2', 'w3'],
      failed: [],
      skipped: ['c1'],
      not_started: [],
      stopped: false,
      dry_run: false,
    });
    const events = result.err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { node: string; phase: string; method: string | null });
    expect(events.filter((e) => e.node === 'w2').map((e) => `${e.phase} ${e.method}`)).to.deep.equal([
      'applying null',
      'applying ironic',
      'waiting ironic',
      'done ironic',
    ]);
    expect(result.err).not.to.include('s3cret');
    expect(connections).to.deep.equal([{ endpoint: 'http://ironic.example:6385', token: 's3cret' }]);
    expect((await stat(join(dir, 'fleet.yaml.state.json'))).mode & 0o777).to.equal(0o600);
    expect((await state()).nodes['w2']).to.deep.include({ phase: 'done', method: 'ironic' });

    runner.expect(
      { match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) },
      { match: remoteArgv('w3', STATUS), stdout: statusOf(CONFIG_SHA) },
      { match: remoteArgv('c1', STATUS), stdout: statusOf(null) },
    );
    const status = await run(['status', '--json', 'fleet.yaml']);
    const nodes = (JSON.parse(status.out) as FleetStatusDocument).nodes;
    expect(nodes.map((n) => [n.name, n.reported_by, n.in_sync])).to.deep.equal([
      ['w1', 'ssh', true],
      ['w2', 'ironic', true],
      ['w3', 'ssh', true],
      ['c1', 'ssh', false],
    ]);
    expect(nodes[1]?.reported_sha256).to.equal(CONFIG_SHA);
  });

  it('refuses the whole run when one node config is invalid: exit 2, no node touched, no state written', async () => {
    await writeFile(
      join(dir, 'fleet.yaml'),
      FLEET.replace('{name: w3, role: worker, config: node.ign', '{name: w3, role: worker, config: bad.ign'),
    );
    await writeFile(
      join(dir, 'bad.ign'),
      '{"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "relative"}]}}',
    );

    const result = await run(['apply', 'fleet.yaml']);

    expect(result.code).to.equal(2);
    expect(result.err).to.match(
      /^ironic-coreos-agent fleet apply: refused before touching any node:\n {4}node w3: .*bad\.ign is not a valid Ignition config/,
    );
    expect(runner.calls).to.deep.equal([]);
    expect(ironic.calls).to.deep.equal([]);
    expect(await readFile(join(dir, 'fleet.yaml.state.json')).catch(() => null)).to.equal(null);
  });

  it('refuses a node needing Ironic when no endpoint is known (exit 2)', async () => {
    await writeFile(join(dir, 'fleet.yaml'), FLEET.replace('ironic: {endpoint: http://ironic.example:6385}\n', ''));

    const result = await run(['apply', 'fleet.yaml']);

    expect(result.code).to.equal(2);
    expect(result.err).to.include('node w2: method auto may use Ironic, and no Ironic endpoint is known');
    expect(runner.calls).to.deep.equal([]);
  });

  it('exits 1 when a node fails, after the others are done; the state file records why', async () => {
    inPlace('w1');
    runner.expect({
      match: remoteArgv('w3', STATUS),
      exitCode: 255,
      stderr: 'ssh: connect to host w3.example port 22: No route to host',
    });

    const result = await run(['apply', 'fleet.yaml']);

    expect(result.code).to.equal(1);
    expect(result.out).to.equal('done: w1, w2\nfailed: w3\nskipped: c1\n');
    expect(result.err).to.include('w3: failed: cannot reach core@w3.example:22 over SSH');
    expect((await state()).nodes['w3']).to.deep.include({ phase: 'failed' });
  });

  it('with --include-control-plane and a failing health gate, touches no control-plane node and exits 1', async () => {
    inPlace('w1');
    inPlace('w3');
    runner.expect({ match: ['check-cluster'], exitCode: 1, stderr: 'apiserver not ready' });

    const result = await run(['apply', '--include-control-plane', 'fleet.yaml']);

    expect(result.code).to.equal(1);
    expect(result.out).to.include('control-plane work stopped; not started: c1');
    expect(result.err).to.include('fleet: unhealthy: health command check-cluster failed: apiserver not ready');
    expect(runner.calls.some((c) => c.argv.includes('c1.example') || c.argv.includes('core@c1.example'))).to.equal(
      false,
    );
  });

  it('a restarted run skips done nodes and only follows the one in flight', async () => {
    const node = (phase: string, method: string | null) => ({
      desiredSha256: CONFIG_SHA,
      phase,
      method,
      attempts: 1,
      startedAt: 't',
      finishedAt: null,
      lastError: null,
    });
    await writeFile(
      join(dir, 'fleet.yaml.state.json'),
      JSON.stringify({
        version: 1,
        nodes: { w1: node('waiting', 'ssh'), w2: node('done', 'ironic'), w3: node('done', 'ssh') },
      }),
    );
    runner.expect(
      { match: remoteArgv('w1', STATUS), exitCode: 255 },
      { match: remoteArgv('w1', STATUS), stdout: statusOf(CONFIG_SHA) },
    );

    const result = await run(['apply', 'fleet.yaml']);

    expect(result.code, result.err).to.equal(0);
    expect(result.err.split('\n')).to.include.members(['w1: resuming', 'w1: done (ssh)']);
    expect(runner.calls).to.have.length(2);
    expect(ironic.calls).to.deep.equal([]);
  });

  it('--dry-run validates and prints the plan, touching nothing', async () => {
    const result = await run(['apply', '--dry-run', 'fleet.yaml']);

    expect(result.code).to.equal(0);
    expect(result.err).to.include(`w1: planned: reprovision to config sha256 ${CONFIG_SHA} (worker, method auto)`);
    expect(runner.calls).to.deep.equal([]);
    expect(ironic.calls).to.deep.equal([]);
  });
});
