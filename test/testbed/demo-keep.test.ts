import { expect } from 'chai';
import { AGENT_STATES, keepAgentBooting, keepInstructions } from '../../testbed/demo-keep.js';

describe('testbed/demo-keep', () => {
  it('boots an agent when Ironic waits for one and stops it when the node settles, until aborted', async () => {
    const states = [
      'active',
      'active',
      'deleting',
      'cleaning',
      'clean wait',
      'clean wait',
      'available',
      'deploying',
      'wait call-back',
      'active',
    ];
    const events: string[] = [];
    const controller = new AbortController();
    let polls = 0;

    await keepAgentBooting({
      provisionState: async () => {
        const state = states[polls] ?? 'active';
        polls += 1;
        if (polls > states.length) controller.abort();
        return state;
      },
      boot: async (n) => {
        events.push(`boot ${n} in ${states[polls - 1] ?? '?'}`);
        return {
          stop: async () => {
            events.push(`stop ${n}`);
          },
        };
      },
      say: () => undefined,
      signal: controller.signal,
      intervalMs: 1,
    });

    expect(events).to.deep.equal(['boot 1 in cleaning', 'stop 1', 'boot 2 in deploying', 'stop 2']);
  });

  it('stops the running boot when aborted mid-flow', async () => {
    const controller = new AbortController();
    const events: string[] = [];

    await keepAgentBooting({
      provisionState: async () => {
        if (events.length > 0) controller.abort();
        return 'clean wait';
      },
      boot: async () => {
        events.push('boot');
        return {
          stop: async () => {
            events.push('stop');
          },
        };
      },
      say: () => undefined,
      signal: controller.signal,
      intervalMs: 1,
    });

    expect(events).to.deep.equal(['boot', 'stop']);
  });

  it('keeps going when Ironic cannot answer for a moment', async () => {
    const controller = new AbortController();
    const said: string[] = [];
    const answers: (string | Error)[] = [
      new Error('ECONNREFUSED'),
      new Error('ECONNREFUSED'),
      'clean wait',
      'available',
    ];
    const events: string[] = [];

    await keepAgentBooting({
      provisionState: async () => {
        const next = answers.shift();
        if (next === undefined) {
          controller.abort();
          return 'available';
        }
        if (next instanceof Error) throw next;
        return next;
      },
      boot: async () => {
        events.push('boot');
        return {
          stop: async () => {
            events.push('stop');
          },
        };
      },
      say: (text) => said.push(text),
      signal: controller.signal,
      intervalMs: 1,
    });

    expect(events).to.deep.equal(['boot', 'stop']);
    expect(said.filter((t) => t.startsWith("Cannot read the node's state"))).to.have.length(1);
  });

  it("waits for an agent in the states Ironic's lookup accepts for a booted ramdisk", () => {
    expect(AGENT_STATES).to.include.members([
      'clean wait',
      'wait call-back',
      'rescue wait',
      'service wait',
      'inspect wait',
    ]);
    expect(AGENT_STATES).not.to.include.members([
      'active',
      'available',
      'manageable',
      'deleting',
      'clean failed',
      'deploy failed',
    ]);
  });

  it('prints runnable undeploy and deploy commands for the demo node', () => {
    const lines = keepInstructions('/tmp/demo-ironic-x', 'demo-node-abc');

    expect(lines[0]).to.match(/^\. \/tmp\/demo-ironic-x\/env\.sh /);
    expect(lines).to.satisfy((l: string[]) => l.some((x) => x.startsWith('baremetal node undeploy demo-node ')));
    expect(lines.find((x) => x.startsWith('baremetal node deploy demo-node'))).to.match(
      /--deploy-steps '\[\{"interface":"deploy","step":"install_coreos".*\]' --config-drive '\{"user_data":/,
    );
  });
});
