import { expect } from 'chai';
import { builtinExtensions } from '../../../agent/extensions/index.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import { isResumableIn, resumableCommands } from '../../../agent/lifecycle/resume.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { fakeManager } from '../../helpers/fake-managers.js';
import { createTestLogger } from '../../helpers/logger.js';

/** What `isResumable` selected by name before commands declared it: /^(deploy|clean|service)\.execute_(deploy|clean|service)_step$/. */
const RESUMABLE_BEFORE = ['clean.execute_clean_step', 'deploy.execute_deploy_step', 'service.execute_service_step'];

describe('lifecycle/resume', () => {
  async function extensions() {
    const { logger } = createTestLogger();
    const runner = new FakeRunner();
    const dispatcher = await HardwareDispatcher.create([fakeManager()], logger);
    return builtinExtensions({
      steps: { dispatcher, logger, cacheNode: () => undefined },
      standby: { runner, dispatcher, logger, rootMount: '/mnt/coreos' },
      poll: { dispatcher, standalone: false, processLookupData: () => undefined },
      log: { runner, dispatcher, logger, rootMount: '/mnt/coreos', agentLog: () => '', secrets: () => [] },
      system: { lockdown: () => undefined },
      flowRunner: () => ({ has: () => false, executeNested: () => Promise.reject(new Error('unused')) }),
    });
  }

  it('the built-in resumable commands are exactly the ones the name pattern selected before', async () => {
    expect([...resumableCommands(await extensions())].sort()).to.deep.equal(RESUMABLE_BEFORE);
  });

  it('isResumableIn answers by full name', async () => {
    const isResumable = isResumableIn(await extensions());
    const table: Array<[string, boolean]> = [
      ['deploy.execute_deploy_step', true],
      ['clean.execute_clean_step', true],
      ['service.execute_service_step', true],
      ['deploy.get_deploy_steps', false],
      ['deploy.execute_clean_step', false],
      ['standby.power_off', false],
      ['flow.start_flow', false],
      ['execute_deploy_step', false],
    ];
    for (const [name, expected] of table) expect(isResumable(name), name).to.equal(expected);
  });
});
