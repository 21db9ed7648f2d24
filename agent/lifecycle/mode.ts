/**
 * What the three ways of running the agent (Ironic, standalone,
 * inspection-only) share: the mode contract, serving IPA's API, and the exit
 * code the process waits for.
 */
import type { ServerOptions } from 'node:https';
import type { ApiServer } from '../api/server.js';
import type { AgentCore } from './core.js';

/** One way of running the agent: started once, stopped once. */
export interface AgentMode {
  /**
   * Bring the mode up. Resolves once the API listens (in the Ironic mode,
   * once heartbeats have started too).
   * @throws what keeps the agent from starting (LookupNodeError, ConfigError, a listen error)
   */
  start(): Promise<void>;
  /** Stop serving (and heartbeating); `exited` then resolves with 0. Safe to call more than once. */
  stop(): Promise<void>;
  /** Resolves with the exit code once the mode has ended: 0 when stopped, 1 after a fatal failure. */
  readonly exited: Promise<number>;
}

/** An exit code decided once: the first call of {@link ExitCode.exit} wins. */
export class ExitCode {
  /** Resolves with the code. */
  readonly decided: Promise<number>;
  private resolve: (code: number) => void = () => undefined;

  constructor() {
    this.decided = new Promise<number>((resolve) => {
      this.resolve = resolve;
    });
  }

  /** Decide the code; later calls change nothing. */
  exit(code: number): void {
    this.resolve(code);
  }
}

/**
 * Serve IPA's API over `core` on listen_host:listen_port (HTTPS with `tls`).
 * @throws when it cannot listen (the address is in the message)
 */
export async function serveApi(core: AgentCore, tls: ServerOptions | null): Promise<ApiServer> {
  // Loaded only here: express is among the heaviest modules of the start, and
  // in the Ironic mode the API listens only after lookup (as IPA's run() does).
  const [{ createApp }, { listenApi }] = await Promise.all([import('../api/app.js'), import('../api/server.js')]);
  const api = {
    executor: core.executor,
    status: () => core.state.status(),
    validateToken: (token: string | undefined) => core.state.validateToken(token),
  };
  return listenApi(createApp(api, core.logger.child({ module: 'api' })), {
    host: core.config.listenHost,
    port: core.config.listenPort,
    tls,
  });
}
