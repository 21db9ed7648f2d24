import { expect } from 'chai';
import { methodProblems, validateFleet } from '../../../fleet/apply/validate.js';
import type { Fleet, FleetNode } from '../../../fleet/fleet-file.js';
import { CONFIG_SHA, CONFIG_TEXT, sshNode } from '../../helpers/fleet-apply.js';

const IRONIC = { endpoint: 'http://ironic:6385' };

function fleet(nodes: FleetNode[], fields: Partial<Fleet> = {}): Fleet {
  return { nodes, concurrency: 1, remote: { command: ['sudo', 'ironic-coreos-agent'] }, ...fields };
}

describe('fleet/apply/validate', () => {
  const { ssh: _ssh, ...ironicOnly } = sshNode('i1', { method: 'ironic', ironic: { node: 'i1' } });
  const cases: [string, Fleet, boolean, string[]][] = [
    ['SSH only, no endpoint needed', fleet([sshNode('w1')]), false, []],
    [
      'auto with an ironic entry and no endpoint',
      fleet([sshNode('w1', { ironic: { node: 'w1' } })]),
      false,
      [
        'node w1: method auto may use Ironic, and no Ironic endpoint is known (give --os-endpoint, OS_ENDPOINT or ironic.endpoint, or remove its ironic entry to use SSH only)',
      ],
    ],
    [
      'ironic with no endpoint',
      fleet([ironicOnly]),
      false,
      [
        'node i1: method ironic may use Ironic, and no Ironic endpoint is known (give --os-endpoint, OS_ENDPOINT or ironic.endpoint)',
      ],
    ],
    ['ironic with an endpoint', fleet([ironicOnly]), true, []],
    [
      'control plane included without a health command',
      fleet([sshNode('c1', { role: 'control-plane' })]),
      false,
      ['--include-control-plane needs health.command in the fleet file (the gate around each control-plane node)'],
    ],
    [
      'control plane included with a health command',
      fleet([sshNode('c1', { role: 'control-plane' })], { health: { command: ['true'] } }),
      false,
      [],
    ],
  ];
  for (const [name, f, endpoint, expected] of cases) {
    it(`methods: ${name}`, () => {
      expect(methodProblems(f, { includeControlPlane: true, ...(endpoint ? { ironic: IRONIC } : {}) })).to.deep.equal(
        expected,
      );
    });
  }

  it('reads each config once, and returns every node its text and sha256', async () => {
    const reads: string[] = [];
    const f = fleet([sshNode('w1', { config: '/c/a.ign' }), sshNode('w2', { config: '/c/a.ign' })]);

    const configs = await validateFleet(f, { includeControlPlane: false }, async (source) => {
      reads.push(source);
      return CONFIG_TEXT;
    });

    expect(reads).to.deep.equal(['/c/a.ign']);
    expect(configs.get('w2')).to.deep.equal({ text: CONFIG_TEXT, sha256: CONFIG_SHA });
  });

  it('refuses the whole run for one bad config, naming the node and the problem, with every other problem', async () => {
    const f = fleet([
      sshNode('w1', { config: '/c/good.ign' }),
      sshNode('w2', { config: '/c/bad.ign', ironic: { node: 'w2' } }),
    ]);

    const error = await validateFleet(f, { includeControlPlane: false }, async (source) =>
      source.endsWith('bad.ign') ? '{"ignition": {"version": "2.2.0"}}' : CONFIG_TEXT,
    ).then(
      () => undefined,
      (e: Error & { problems: string[] }) => e,
    );

    expect(error?.name).to.equal('ConfigError');
    expect(error?.problems).to.have.length(2);
    expect(error?.problems[0]).to.match(/^node w2: \/c\/bad\.ign is not a valid Ignition config/);
    expect(error?.problems[1]).to.match(/^node w2: method auto may use Ironic/);
  });
});
