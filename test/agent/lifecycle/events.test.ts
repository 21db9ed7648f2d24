import { expect } from 'chai';
import { AgentEvents } from '../../../agent/lifecycle/events.js';
import { createTestLogger } from '../../helpers/logger.js';

describe('lifecycle/events AgentEvents', () => {
  it('calls every listener of an event, in subscription order, with its arguments', () => {
    const events = new AgentEvents(createTestLogger().logger);
    const heard: string[] = [];
    events.on('powerAction', (action) => heard.push(`first ${action}`));
    events.on('powerAction', (action) => heard.push(`second ${action}`));
    events.on('lockdown', () => heard.push('lockdown'));

    events.emit('powerAction', 'reboot');

    expect(heard).to.deep.equal(['first reboot', 'second reboot']);
  });

  it('does nothing for an event nobody listens to', () => {
    const events = new AgentEvents(createTestLogger().logger);

    expect(() => events.emit('commandFinished')).to.not.throw();
  });

  it('stops calling a listener once it unsubscribed', () => {
    const events = new AgentEvents(createTestLogger().logger);
    let calls = 0;
    const off = events.on('commandFinished', () => {
      calls += 1;
    });

    events.emit('commandFinished');
    off();
    events.emit('commandFinished');

    expect(calls).to.equal(1);
  });

  it('logs a listener that throws and still calls the others (the emitter has nobody to report to)', () => {
    const { logger, memory } = createTestLogger();
    const events = new AgentEvents(logger);
    let reached = false;
    events.on('lockdown', () => {
      throw new Error('server already closed');
    });
    events.on('lockdown', () => {
      reached = true;
    });

    events.emit('lockdown');

    expect(reached).to.equal(true);
    expect(memory.entries.find((e) => e['message'] === 'An agent event listener failed')).to.deep.include({
      level: 'error',
      event: 'lockdown',
      error: 'server already closed',
    });
  });
});
