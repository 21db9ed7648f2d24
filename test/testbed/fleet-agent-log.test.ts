import { expect } from 'chai';
import { agentMilestones, skippedHeartbeats } from '../../testbed/fleet-agent-log.js';
import { ironicTime } from '../../testbed/fleet-watch.js';

/** One `--use-json` log line at second `s` of the minute. */
function line(s: number, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    level: 'info',
    message,
    ...extra,
    timestamp: `2026-12-02T23:40:${String(s).padStart(2, '0')}.000Z`,
  });
}
const at = (s: number): number => Date.parse(`2026-12-02T23:40:${String(s).padStart(2, '0')}.000Z`);

describe('testbed/fleet-agent-log agentMilestones', () => {
  it('reads each milestone of a deploy boot once, counting lookups and heartbeats', () => {
    const log = [
      'confine: mounting /dev', // the confinement's own output is not JSON
      line(1, 'Starting'),
      line(2, 'Looking up node'),
      line(3, 'Looking up node'),
      line(4, 'Lookup succeeded'),
      line(5, 'Agent API listening'),
      line(6, 'Heartbeat successful'),
      line(7, 'Executing step', { step: 'get_deploy_steps' }),
      line(8, 'Executing step', { step: 'install_coreos' }),
      line(9, 'Heartbeat successful'),
      line(10, 'Step finished', { step: 'install_coreos' }),
      line(11, 'Heartbeat successful'),
      line(12, 'Requesting power action from the host'),
    ].join('\n');

    expect(agentMilestones(log)).to.deep.equal({
      firstLine: at(1),
      lookupSent: at(2),
      lookups: 2,
      lookedUp: at(4),
      listening: at(5),
      firstHeartbeat: at(6),
      heartbeats: 3,
      heartbeatsAt: [at(6), at(9), at(11)],
      stepStarted: at(8),
      stepFinished: at(10),
      heartbeatAfterStep: at(11),
      powerOff: at(12),
    });
  });

  it('leaves out what the log never reached (an agent that never booted has an empty log)', () => {
    expect(agentMilestones('')).to.deep.equal({ heartbeats: 0, heartbeatsAt: [], lookups: 0 });
    expect(agentMilestones('{not json\n{"message":"Lookup succeeded"}')).to.deep.equal({
      heartbeats: 0,
      heartbeatsAt: [],
      lookups: 0,
    });
  });
});

describe('testbed/fleet-watch ironicTime', () => {
  it("reads Ironic's timestamps with microseconds, with or without an offset (Ironic stores UTC)", () => {
    expect(ironicTime('2026-12-02T23:40:01.123456+00:00')).to.equal(Date.parse('2026-12-02T23:40:01.123Z'));
    expect(ironicTime('2026-12-02T23:40:01.123456')).to.equal(Date.parse('2026-12-02T23:40:01.123Z'));
    expect(ironicTime(null)).to.equal(undefined);
    expect(ironicTime('yesterday')).to.equal(undefined);
  });
});

describe('testbed/fleet-agent-log skippedHeartbeats', () => {
  it("counts Ironic's skipped-heartbeat warnings of one node only", () => {
    const warning = (uuid: string): string =>
      `2026-12-02 23:42:38.974 27097 WARNING ironic.drivers.modules.agent_base [None req-1 - - - - - -] Node ${uuid} ` +
      'is currently locked, skipping heartbeat processing (will retry on the next heartbeat): NodeLocked';
    const log = [
      warning('aaa'),
      'Heartbeat from node aaa in state wait call-back',
      warning('bbb'),
      warning('aaa'),
    ].join('\n');

    expect(skippedHeartbeats(log, 'aaa')).to.equal(2);
    expect(skippedHeartbeats(log, 'ccc')).to.equal(0);
  });
});
