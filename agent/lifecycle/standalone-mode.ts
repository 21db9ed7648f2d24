/**
 * Standalone mode (IPA `standalone`): serve the API without lookup or
 * heartbeats; the token comes from `agent_token`, node data from `poll.set_node_info`.
 */
import type { ApiServer } from '../api/server.js';
import type { AgentCore } from './core.js';
import { ExitCode, serveApi, type AgentMode } from './mode.js';
import { setupTls } from './tls-setup.js';

/** Serves the API until stopped; lockdown closes it. */
export class StandaloneMode implements AgentMode {
  private readonly exit = new ExitCode();
  readonly exited = this.exit.decided;
  private server: ApiServer | null = null;
  private unsubscribe: () => void = () => undefined;

  constructor(private readonly core: AgentCore) {}

  /** Serve the API (auto-TLS never applies: there is no Ironic to trust the certificate), then resume an interrupted step. */
  async start(): Promise<void> {
    const { config, logger } = this.core;
    if (config.agentToken === null) {
      logger.warn(
        'Standalone mode without agent_token: every POST /v1/commands/ will be refused (401). Set --agent-token',
      );
    }
    const tls = await setupTls(config, config.advertiseHost ?? config.listenHost, false, {
      store: this.core.sessionStore,
      logger,
      fs: this.core.fs,
      clock: this.core.clock,
    });
    const server = await serveApi(this.core, tls.server);
    this.server = server;
    logger.info('Agent API listening in standalone mode', {
      listen: `${config.listenHost}:${server.port}`,
      protocol: tls.protocol,
    });
    this.unsubscribe = this.core.events.on('lockdown', () => void server.close());
    await this.core.interrupted.resume();
  }

  /** Close the API; `exited` resolves with 0. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.server?.close();
    this.exit.exit(0);
  }
}
