import { expect } from 'chai';
import { FleetFileError, parseFleet, type Fleet } from '../../fleet/fleet-file.js';

const BASE = '/srv/fleet';

function problemsOf(text: string): readonly string[] {
  try {
    parseFleet(text, 'fleet.yaml', BASE);
  } catch (error) {
    expect(error).to.be.instanceOf(FleetFileError);
    return (error as FleetFileError).problems;
  }
  throw new Error('expected a FleetFileError');
}

describe('fleet/fleet-file parseFleet', () => {
  it('reads YAML with defaults and resolves paths against the fleet file', () => {
    const fleet = parseFleet(
      [
        'nodes:',
        '  - name: w1',
        '    role: worker',
        '    config: configs/worker.ign',
        '    ssh: {address: 192.0.2.11, key: keys/id_ed25519}',
        '  - name: cp1',
        '    role: control-plane',
        '    config: https://configs.example/cp.ign',
        '    ironic: {node: 3b5a0c2e-0000-4000-8000-000000000001}',
        '    method: ironic',
        '    timeoutSeconds: 900',
        'health: {command: [kubectl, get, --raw, /readyz], timeoutSeconds: 60}',
      ].join('\n'),
      'fleet.yaml',
      BASE,
    );
    expect(fleet).to.deep.equal({
      nodes: [
        {
          name: 'w1',
          role: 'worker',
          config: '/srv/fleet/configs/worker.ign',
          method: 'auto',
          ssh: { address: '192.0.2.11', user: 'core', port: 22, key: '/srv/fleet/keys/id_ed25519' },
        },
        {
          name: 'cp1',
          role: 'control-plane',
          config: 'https://configs.example/cp.ign',
          method: 'ironic',
          ironic: { node: '3b5a0c2e-0000-4000-8000-000000000001' },
          timeoutSeconds: 900,
        },
      ],
      concurrency: 1,
      health: { command: ['kubectl', 'get', '--raw', '/readyz'], timeoutSeconds: 60 },
      remote: { command: ['sudo', 'ironic-coreos-agent'] },
    } satisfies Fleet);
  });

  it('reads JSON (JSON is YAML), the Ironic endpoint, concurrency and a containerised remote command', () => {
    const fleet = parseFleet(
      JSON.stringify({
        ironic: { endpoint: 'http://ironic.example:6385' },
        concurrency: 3,
        remote: { command: ['sudo', 'podman', 'run', '--rm', 'quay.io/x/agent'], sysroot: '/mnt/host' },
        nodes: [
          { name: 'w1', role: 'worker', config: '/abs/w.ign', ssh: { address: 'w1.lan', user: 'ops', port: 2222 } },
        ],
      }),
      'fleet.json',
      BASE,
    );
    expect(fleet.ironic).to.deep.equal({ endpoint: 'http://ironic.example:6385' });
    expect(fleet.concurrency).to.equal(3);
    expect(fleet.remote).to.deep.equal({
      command: ['sudo', 'podman', 'run', '--rm', 'quay.io/x/agent'],
      sysroot: '/mnt/host',
    });
    expect(fleet.nodes[0]).to.deep.include({
      config: '/abs/w.ign',
      ssh: { address: 'w1.lan', user: 'ops', port: 2222 },
    });
  });

  const node = (extra: string): string =>
    `nodes:\n  - {name: a1, role: worker, config: a.ign, ssh: {address: a1}}\n  - {${extra}}\n`;
  const cases: [string, string, string][] = [
    [
      'a port out of range',
      node('name: w3, role: worker, config: c, ssh: {address: h, port: 70000}'),
      'nodes[1] (name "w3"): ssh.port must be 1-65535',
    ],
    [
      'a duplicate name',
      node('name: a1, role: worker, config: c, ssh: {address: h}'),
      'nodes[1] (name "a1"): name is also used by nodes[0]',
    ],
    [
      'a name that is no DNS label',
      node('name: W_3, role: worker, config: c, ssh: {address: h}'),
      'nodes[1] (name "W_3"): name must be a DNS label',
    ],
    ['a missing name', node('role: worker, config: c, ssh: {address: h}'), 'nodes[1]: name is required'],
    [
      'a bad role',
      node('name: w3, role: master, config: c, ssh: {address: h}'),
      'nodes[1] (name "w3"): role must be control-plane or worker, not "master"',
    ],
    ['a missing role', node('name: w3, config: c, ssh: {address: h}'), 'nodes[1] (name "w3"): role is required'],
    ['a missing config', node('name: w3, role: worker, ssh: {address: h}'), 'nodes[1] (name "w3"): config is required'],
    [
      'a config of another scheme',
      node('name: w3, role: worker, config: "tftp://x/c", ssh: {address: h}'),
      'nodes[1] (name "w3"): config must be a file path or an http(s) URL',
    ],
    [
      'method ssh without ssh',
      node('name: w3, role: worker, config: c, method: ssh, ironic: {node: n}'),
      'nodes[1] (name "w3"): method ssh needs ssh.address',
    ],
    [
      'method ironic without ironic',
      node('name: w3, role: worker, config: c, method: ironic, ssh: {address: h}'),
      'nodes[1] (name "w3"): method ironic needs ironic.node',
    ],
    [
      'auto with neither',
      node('name: w3, role: worker, config: c'),
      'nodes[1] (name "w3"): method auto needs ssh or ironic',
    ],
    [
      'an unknown method',
      node('name: w3, role: worker, config: c, method: pxe, ssh: {address: h}'),
      'nodes[1] (name "w3"): method must be auto or ssh or ironic, not "pxe"',
    ],
    [
      'an address ssh would read as an option',
      node('name: w3, role: worker, config: c, ssh: {address: "-oProxyCommand=x"}'),
      'nodes[1] (name "w3"): ssh.address must be a host name or address',
    ],
    [
      'a user with a space',
      node('name: w3, role: worker, config: c, ssh: {address: h, user: "a b"}'),
      'nodes[1] (name "w3"): ssh.user must be a user name',
    ],
    [
      'ssh without address',
      node('name: w3, role: worker, config: c, ssh: {user: core}'),
      'nodes[1] (name "w3"): ssh.address is required',
    ],
    [
      'a typo in a field',
      node('name: w3, role: worker, config: c, sh: {address: h}, ssh: {address: h}'),
      'nodes[1] (name "w3"): unknown field "sh"',
    ],
    [
      'a bad timeout',
      node('name: w3, role: worker, config: c, ssh: {address: h}, timeoutSeconds: 0'),
      'nodes[1] (name "w3"): timeoutSeconds must be an integer >= 1',
    ],
    ['a node that is no mapping', 'nodes: [w3]', 'nodes[0]: must be a mapping'],
    ['no nodes', 'nodes: []', 'nodes must be a non-empty list'],
    [
      'a bad concurrency',
      `concurrency: 0\n${node('name: w3, role: worker, config: c, ssh: {address: h}')}`,
      'concurrency must be 1-1000',
    ],
    [
      'a health command as a shell string',
      `health: {command: "kubectl get nodes"}\n${node('name: w3, role: worker, config: c, ssh: {address: h}')}`,
      'health.command must be a non-empty list',
    ],
    [
      'a health without command',
      `health: {timeoutSeconds: 5}\n${node('name: w3, role: worker, config: c, ssh: {address: h}')}`,
      'health.command is required',
    ],
    [
      'an endpoint that is no URL',
      `ironic: {endpoint: ironic:6385}\n${node('name: w3, role: worker, config: c, ssh: {address: h}')}`,
      'ironic.endpoint must be an http(s) URL',
    ],
    [
      'a relative sysroot',
      `remote: {sysroot: mnt}\n${node('name: w3, role: worker, config: c, ssh: {address: h}')}`,
      'remote.sysroot must be an absolute path',
    ],
    [
      'an unknown top-level field',
      `node: []\n${node('name: w3, role: worker, config: c, ssh: {address: h}')}`,
      'unknown field "node"',
    ],
    ['not YAML', 'nodes: [', 'not YAML or JSON'],
    ['a list document', '- a', 'the document must be a mapping'],
  ];
  for (const [what, text, expected] of cases) {
    it(`refuses ${what}`, () => expect(problemsOf(text).join('\n')).to.include(expected));
  }

  it('reports every problem at once, and never as a stack trace', () => {
    const text =
      'nodes:\n  - {name: w1, role: boss, config: c, ssh: {address: h, port: 0}}\n  - {name: w2, role: worker}\n';
    const error = (() => {
      try {
        parseFleet(text, 'fleet.yaml', BASE);
      } catch (e) {
        return e as FleetFileError;
      }
      throw new Error('expected a FleetFileError');
    })();
    expect(error.problems).to.deep.equal([
      'nodes[0] (name "w1"): role must be control-plane or worker, not "boss"',
      'nodes[0] (name "w1"): ssh.port must be 1-65535',
      'nodes[1] (name "w2"): config is required',
      'nodes[1] (name "w2"): method auto needs ssh or ironic (or both)',
    ]);
    expect(error.name).to.equal('ConfigError');
    expect(error.message).to.match(/^fleet.yaml is not a valid fleet file:\n {4}nodes\[0\]/);
  });
});
