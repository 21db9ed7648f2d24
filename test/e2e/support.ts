/** Shared set-up and tear-down of the e2e suites (the loop over Ironic releases is test/helpers/each-ironic.ts). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_BIN, type RunningTestAgent } from '../../testbed/agent.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import type { NodeSpec } from '../../testbed/ironic-nodes.js';
import type { CliResult, IronicTestbed } from '../../testbed/ironic.js';
import type { IronicSuite } from '../../testbed/ironic-suites.js';
import { INSTALL_COREOS_STEPS } from './deploy-fixtures.js';

/**
 * Skip the suite (with the reason) when the test bed (with ironic-inspector when
 * asked, with the Ironic of `suite`) cannot run here, and fail
 * clearly when the agent was not built.
 */
export function requireTestbed(
  context: Mocha.Context,
  options: { inspector?: boolean; suite?: IronicSuite } = {},
): void {
  const unavailable = testbedUnavailableReason(options.inspector === true, options.suite);
  if (unavailable !== undefined) {
    console.log(`      (skipping: ${unavailable})`);
    context.skip();
  }
  if (!existsSync(join(AGENT_BIN, '..', '..', 'dist', 'cli', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
}

/** Stop every agent of the test; print the end of their logs when it failed. */
export async function stopAgents(agents: RunningTestAgent[], failed: boolean): Promise<void> {
  for (const agent of agents.splice(0)) {
    if (failed) console.log(agent.process.readLog().split('\n').slice(-60).join('\n'));
    await agent.process.stop();
  }
}

/**
 * Enrol a node with every field set at creation (the test bed never PATCHes
 * nodes: on trixie and forky that breaks them, see testbed/README.md) and
 * bring it to manageable. Returns its UUID.
 */
export async function enrolManageable(testbed: IronicTestbed, spec: NodeSpec): Promise<string> {
  const uuid = await testbed.createNode(spec);
  await testbed.setProvisionState(uuid, 'manage');
  await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
  return uuid;
}

/**
 * `baremetal node deploy` of the Metal3 customDeploy path (`install_coreos`,
 * INSTALL_COREOS_STEPS) with a `--config-drive` string, as an operator runs it.
 * The caller checks the result.
 */
export async function deployWithCli(testbed: IronicTestbed, uuid: string, configDrive: string): Promise<CliResult> {
  return testbed.baremetal([
    'node',
    'deploy',
    uuid,
    '--deploy-steps',
    INSTALL_COREOS_STEPS,
    '--config-drive',
    configDrive,
  ]);
}
