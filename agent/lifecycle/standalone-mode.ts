/**
 * Standalone mode (IPA `standalone`): serve the API without lookup or
 * heartbeats; the token comes from `agent_token`, node data from `poll.set_node_info`.
 */
import type { AgentCore } from './core.js';
import { apiAgent, resumeInterrupted } from './core.js';
import { setupTls } from './tls-setup.js';
import { createApp } from '../api/app.js';
import { listenApi } from '../api/server.js';
import type { RunningAgent } from './ironic-mode.js';

/** Start serving; resolves once listening. */
export async function startStandaloneMode(core: AgentCore): Promise<RunningAgent> {
  const { config, logger } = core;
  if (config.agentToken === null) {
    logger.warn(
      'Standalone mode without agent_token: every POST /v1/commands/ will be refused (401). Set --agent-token',
    );
  }
  const tls = await setupTls(config, config.advertiseHost ?? config.listenHost, false, core.sessionStore, logger);
  const server = await listenApi(createApp(apiAgent(core), logger.child({ module: 'api' })), {
    host: config.listenHost,
    port: config.listenPort,
    tls: tls.server,
  });
  logger.info('Agent API listening in standalone mode', {
    listen: `${config.listenHost}:${server.port}`,
    protocol: tls.protocol,
  });
  let done: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    done = resolve;
  });
  core.lockdown = () => {
    void server.close();
  };
  await resumeInterrupted(core);
  return {
    exited,
    stop: async () => {
      await server.close();
      done(0);
    },
  };
}
