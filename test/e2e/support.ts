/** Shared set-up and tear-down of the e2e suites. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_BIN, type RunningTestAgent } from '../../testbed/agent.js';
import { testbedUnavailableReason } from '../../testbed/host.js';

/**
 * Skip the suite (with the reason) when the test bed (with ironic-inspector when
 * asked) cannot run here, and fail
 * clearly when the agent was not built.
 */
export function requireTestbed(context: Mocha.Context, options: { inspector?: boolean } = {}): void {
  const unavailable = testbedUnavailableReason(options.inspector === true);
  if (unavailable !== undefined) {
    console.log(`      (skipping: ${unavailable})`);
    context.skip();
  }
  if (!existsSync(join(AGENT_BIN, '..', '..', 'dist', 'cli', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
}

/** Stop every agent of the test; print the end of their logs when it failed. */
export async function stopAgents(agents: RunningTestAgent[], failed: boolean): Promise<void> {
  for (const agent of agents.splice(0)) {
    if (failed) console.log(agent.process.readLog().split('\n').slice(-60).join('\n'));
    await agent.process.stop();
  }
}
