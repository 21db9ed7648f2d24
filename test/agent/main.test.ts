import { expect } from 'chai';
import { createMode } from '../../agent/main.js';
import { InspectionOnlyMode } from '../../agent/lifecycle/inspection-only.js';
import { IronicMode } from '../../agent/lifecycle/ironic-mode.js';
import { StandaloneMode } from '../../agent/lifecycle/standalone-mode.js';
import type { AgentConfig } from '../../common/agent-config/types.js';
import { ConfigError } from '../../common/errors.js';
import { buildTestCore, type TestCore } from '../helpers/agent-core.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('main createMode', () => {
  const built: TestCore[] = [];
  async function mode(config: Partial<AgentConfig>): Promise<unknown> {
    const test = await buildTestCore({ config });
    built.push(test);
    try {
      return createMode(test.core, new FakeClock());
    } catch (error) {
      return error;
    }
  }
  afterEach(() => {
    for (const test of built.splice(0)) test.cleanup();
  });

  const cases: Array<[string, Partial<AgentConfig>, new (...args: never[]) => unknown]> = [
    ['standalone', { standalone: true, apiUrls: ['http://192.0.2.1:6385'] }, StandaloneMode],
    ['Ironic with api_url', { apiUrls: ['http://192.0.2.1:6385'] }, IronicMode],
    [
      'Ironic with api_url and an inspection callback',
      { apiUrls: ['http://192.0.2.1:6385'], inspectionCallbackUrl: 'http://192.0.2.1:6385/v1/continue_inspection' },
      IronicMode,
    ],
    [
      'inspection only with an inspection callback and no api_url',
      { apiUrls: [], inspectionCallbackUrl: 'http://192.0.2.1:6385/v1/continue_inspection' },
      InspectionOnlyMode,
    ],
  ];
  for (const [name, config, expected] of cases) {
    it(`runs ${name}`, async () => {
      expect(await mode(config)).to.be.instanceOf(expected);
    });
  }

  it('refuses to start with neither api_url nor inspection_callback_url, naming both', async () => {
    const error = await mode({ apiUrls: [], inspectionCallbackUrl: null });

    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(/api_url.*inspection_callback_url/);
  });

  it('refuses a cafile it cannot read (exit 2), before contacting Ironic', async () => {
    const error = await mode({ apiUrls: ['http://192.0.2.1:6385'], cafile: '/nonexistent/ca.pem' });

    expect(error).to.be.instanceOf(ConfigError);
  });
});
