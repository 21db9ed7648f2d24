/**
 * The composition root of `ironic-coreos-agent agent`: configuration, logger,
 * Runner, Fs, Clock, managers, the core (lifecycle/core.ts) and the mode
 * (Ironic, standalone or inspection-only). Nothing is module-level state; everything
 * is built here and passed down.
 */
import { readBootId } from '../common/state/boot-id.js';
import { BootStateStore } from '../common/state/boot-state-store.js';
import { NodeStateFs } from '../common/state/state-fs.js';
import { loadConfig } from './config/load.js';
import { agentHelp } from './config/help.js';
import { helpRequested } from './config/flags.js';
import type { ConfigNotice } from './config/sources.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { NodeFs } from '../common/fs/node-fs.js';
import { NodeDiskReader } from './hardware/generic/erase/on-disk-tables.js';
import { createLogger } from './logger.js';
import { RecentLogTransport } from './recent-log.js';
import { buildCore, type AgentCore } from './lifecycle/core.js';
import { builtinManagers } from './hardware/index.js';
import type { AgentMode } from './lifecycle/mode.js';
import { IronicMode } from './lifecycle/ironic-mode.js';
import { StandaloneMode } from './lifecycle/standalone-mode.js';
import { InspectionOnlyMode } from './lifecycle/inspection-only.js';
import { inspectionConfigured } from './lifecycle/inspection-run.js';
import { createIronicHttp } from './ironic/http.js';
import { createSystemClock, type Clock } from '../common/clock.js';
import { ConfigError, LookupNodeError } from '../common/errors.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { packageVersion } from '../common/cli/version.js';
import winston from 'winston';

/**
 * Run the agent until SIGTERM/SIGINT (exit 0) or a fatal error such as a
 * lookup timeout (exit 1). An invalid option value exits 2 wherever it came
 * from: found while loading (thrown to the CLI) or while starting (a file an
 * option names, such as cafile, cannot be used).
 */
export async function runAgent(argv: string[], io: CliIO): Promise<number> {
  if (helpRequested(argv)) {
    io.stdout.write(agentHelp());
    return 0;
  }
  const fs = new NodeFs();
  const clock = createSystemClock();
  const notices: ConfigNotice[] = [];
  const config = await loadConfig({ argv, env: io.env, fs, onNotice: (n) => notices.push(n) });
  const agentLog = new RecentLogTransport();
  const logger = createLogger({
    debug: config.debug,
    json: config.logJson,
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] }), agentLog],
  });
  for (const notice of notices) logger.log(notice.level, notice.message, notice.meta);
  const version = await packageVersion();
  logger.info('Starting ironic-coreos-agent', {
    version,
    standalone: config.standalone,
    apiUrls: config.apiUrls,
    rootMount: config.rootMount,
    deviceAllowlist: config.deviceAllowlist,
  });
  let running: AgentMode;
  try {
    const runner = new ExecaRunner();
    const stateStore = new BootStateStore({ dir: config.stateDir, fs: new NodeStateFs(), bootId: readBootId });
    const core = await buildCore({
      config,
      logger,
      runner,
      fs,
      clock,
      version,
      stateStore,
      agentLog,
      managers: builtinManagers({ config, runner, logger, fs, clock, disk: new NodeDiskReader(), stateStore }),
    });
    running = createMode(core, clock);
    await running.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConfigError) {
      logger.error('Invalid configuration', { error: message });
      await flush(logger);
      return 2;
    }
    logger.error(
      error instanceof LookupNodeError
        ? 'Lookup failed; exiting so that the service manager restarts the agent'
        : 'The agent could not start',
      { error: message },
    );
    await flush(logger);
    return 1;
  }
  const onSignal = (): void => {
    logger.info('Stopping on signal');
    void running.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const code = await running.exited;
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGINT', onSignal);
  await flush(logger);
  // A step still running (a child process) would keep the process alive; the service manager expects it to end.
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}

/**
 * The mode the configuration asks for: standalone; Ironic with api_url; only
 * inspection with inspection_callback_url alone (how Ironic boots the ramdisk
 * for in-band inspection without fast-track).
 * @throws ConfigError when neither api_url nor inspection_callback_url is set, or
 *   when a TLS file for Ironic (cafile, certfile, keyfile) cannot be used
 */
export function createMode(core: AgentCore, clock: Clock): AgentMode {
  const { config } = core;
  if (config.standalone) return new StandaloneMode(core);
  const http = createIronicHttp({
    timeoutSec: config.httpRequestTimeout,
    insecure: config.insecure,
    cafile: config.cafile,
    certfile: config.certfile,
    keyfile: config.keyfile,
    version: core.state.version,
    requestId: config.globalRequestId,
  });
  if (config.apiUrls.length > 0) return new IronicMode(core, http, clock);
  if (inspectionConfigured(config)) return new InspectionOnlyMode(core, http, clock);
  throw new ConfigError(
    'Neither api_url nor inspection_callback_url is set: set api_url (kernel ipa-api-url) to the Ironic API, ' +
      'e.g. http://192.0.2.1:6385, or inspection_callback_url (ipa-inspection-callback-url) to inspect only',
  );
}

/** How long a finished agent waits for work in flight before exiting anyway. */
const EXIT_GRACE_MS = 2000;

/** Give the console transport a moment to write (the logger stays open for work still in flight). */
function flush(logger: winston.Logger): Promise<void> {
  logger.info('Agent stopped');
  return new Promise((resolve) => {
    setTimeout(resolve, 100);
  });
}

/** The `agent` subcommand. */
export const agentSubcommand: Subcommand = {
  name: 'agent',
  summary: "Run the deploy agent: look up the node in Ironic, heartbeat and serve IPA's API",
  run: runAgent,
};
