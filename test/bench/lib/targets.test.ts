import { expect } from 'chai';
import { get } from '../../../bench/lib/http.js';
import { ProcessGroup } from '../../../bench/lib/process.js';
import { freePort } from '../../../bench/lib/proc-status.js';
import { agentTarget, bareServerTarget, COMMANDS_BODY, ironicAgentTarget } from '../../../bench/lib/targets.js';
import { waitFor200 } from '../../../bench/lib/http.js';

describe('bench targets', () => {
  const group = new ProcessGroup();
  after(() => group.stopAll());

  it('the bare baseline server answers any path with the JSON body the idle agent lists', async () => {
    const port = await freePort();
    const child = group.start(bareServerTarget(process.execPath).argv(port, '/nonexistent'));
    await waitFor200(`http://127.0.0.1:${port}/v1/status`, {
      timeoutMs: 15_000,
      abandon: () => (child.exit() === undefined ? undefined : child.outputTail()),
    });

    const answer = await get(`http://127.0.0.1:${port}/v1/commands/`, false);

    expect(answer).to.deep.equal({ status: 200, body: COMMANDS_BODY });
    expect(JSON.parse(COMMANDS_BODY)).to.deep.equal({ commands: [] });
    await child.stop();
    expect(child.exit()?.signal).to.equal('SIGTERM');
  });

  it('starts the agent standalone on loopback over plain HTTP with a fresh state dir and no disks', () => {
    const argv = agentTarget('/usr/bin/node', {
      bin: '/p/bin/ironic-coreos-agent',
      configDir: '/w/config',
      cmdlinePath: '/w/cmdline',
      token: 't'.repeat(32),
    }).argv(4242, '/w/start-1');

    expect(argv).to.deep.equal([
      '/usr/bin/node',
      '/p/bin/ironic-coreos-agent',
      'agent',
      '--standalone',
      '--agent-token',
      't'.repeat(32),
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      '4242',
      '--config-dir',
      '/w/config',
      '--cmdline-path',
      '/w/cmdline',
      '--state-dir',
      '/w/start-1/state',
      '--device-allowlist',
      '/dev/nonexistent*',
      '--no-enable-auto-tls',
    ]);
  });

  it('starts the agent against an Ironic, advertising loopback, with auto-TLS as asked', () => {
    const inputs = { bin: '/p/bin/ironic-coreos-agent', configDir: '/w/config', cmdlinePath: '/w/cmdline', token: 't' };
    const on = ironicAgentTarget('/usr/bin/node', inputs, { apiUrl: 'http://127.0.0.1:9', autoTls: true });
    const off = ironicAgentTarget('/usr/bin/node', inputs, { apiUrl: 'http://127.0.0.1:9', autoTls: false });

    expect(on.argv(4242, '/w/start-1')).to.deep.equal([
      '/usr/bin/node',
      '/p/bin/ironic-coreos-agent',
      'agent',
      '--api-url',
      'http://127.0.0.1:9',
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      '4242',
      '--advertise-host',
      '127.0.0.1',
      '--config-dir',
      '/w/config',
      '--cmdline-path',
      '/w/cmdline',
      '--state-dir',
      '/w/start-1/state',
      '--device-allowlist',
      '/dev/nonexistent*',
      '--disk-wait-attempts',
      '0',
      '--enable-auto-tls',
    ]);
    expect(off.argv(4242, '/w/start-1').at(-1)).to.equal('--no-enable-auto-tls');
    const routed = ironicAgentTarget('/usr/bin/node', inputs, {
      apiUrl: 'http://127.0.0.1:9',
      autoTls: true,
      findRoute: true,
    }).argv(4242, '/w/start-1');
    expect(routed).to.deep.equal(
      on.argv(4242, '/w/start-1').filter((a, i, all) => a !== '--advertise-host' && all[i - 1] !== '--advertise-host'),
    );
    expect(routed).to.not.include('--advertise-host');
    expect([on.label, off.label]).to.deep.equal(['agent, auto-TLS on', 'agent, auto-TLS off']);
  });
});
