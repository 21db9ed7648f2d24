/**
 * The inspection-only mode: `inspection_callback_url` without `api_url`,
 * which is how Ironic boots the ramdisk for in-band inspection (only
 * `ipa-inspection-callback-url` on the kernel command line; openstack/ironic
 * ironic/drivers/modules/inspector/interface.py prepare_managed_inspection adds
 * `ipa-api-url` only with fast-track).
 *
 * As openstack/ironic-python-agent ironic_python_agent/agent.py run(): inspect,
 * log that lookup and heartbeat are skipped, then serve the API (plain HTTP
 * unless listen_tls: auto-TLS needs Ironic's API version) until stopped.
 * Ironic powers the node off once it has processed the data.
 */
import type { AxiosInstance } from 'axios';
import type { ApiServer } from '../api/server.js';
import type { Clock } from '../../common/clock.js';
import type { AgentCore } from './core.js';
import { runInspection } from './inspection-run.js';
import { ExitCode, serveApi, type AgentMode } from './mode.js';
import { setupTls, type TlsSetup } from './tls-setup.js';

/** Inspects, then serves the API without lookup or heartbeats until stopped; lockdown closes it. */
export class InspectionOnlyMode implements AgentMode {
  private readonly exit = new ExitCode();
  readonly exited = this.exit.decided;
  private server: ApiServer | null = null;
  private unsubscribe: () => void = () => undefined;

  /** @param http - the HTTP client for Ironic's inspection callback */
  constructor(
    private readonly core: AgentCore,
    private readonly http: AxiosInstance,
    private readonly clock: Clock,
  ) {}

  /** Inspect (a failure is logged, never fatal), then serve the API. */
  async start(): Promise<void> {
    const { config, logger } = this.core;
    await runInspection(this.core, this.http, this.clock);
    logger.info('No api_url: lookup and heartbeats are skipped after inspection; serving the API until stopped', {
      inspectionCallbackUrl: config.inspectionCallbackUrl,
    });
    const plain: TlsSetup = { protocol: 'http', server: null, verifyCa: null };
    const tls = config.listenTls
      ? await setupTls(config, config.listenHost, false, {
          store: this.core.sessionStore,
          logger,
          fs: this.core.fs,
          clock: this.core.clock,
        })
      : plain;
    const server = await serveApi(this.core, tls.server);
    this.server = server;
    logger.info('Agent API listening', { listen: `${config.listenHost}:${server.port}`, protocol: tls.protocol });
    this.unsubscribe = this.core.events.on('lockdown', () => void server.close());
  }

  /** Close the API; `exited` resolves with 0. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.server?.close();
    this.exit.exit(0);
  }
}
