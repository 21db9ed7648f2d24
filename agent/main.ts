/**
 * The composition root of `ironic-coreos-agent agent`: configuration, logger,
 * Runner, Fs, Clock, managers, executor and the mode (Ironic or standalone).
 * Nothing is module-level state; everything is built here and passed down.
 */
import { readBootId } from '../common/state/boot-id.js';
import { loadConfig } from './config/load.js';
import { agentHelp } from './config/help.js';
import { helpRequested } from './config/flags.js';
import type { ConfigNotice } from './config/sources.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { NodeFs } from '../common/fs/node-fs.js';
import { NodeDiskReader } from './hardware/generic/erase/on-disk-tables.js';
import { createLogger, MemoryTransport } from './logger.js';
import { buildCore } from './lifecycle/core.js';
import { startIronicMode, type RunningAgent } from './lifecycle/ironic-mode.js';
import { startStandaloneMode } from './lifecycle/standalone-mode.js';
import { createSystemClock } from '../common/clock.js';
import { ConfigError, LookupNodeError } from '../common/errors.js';
import type { CliIO, Subcommand } from '../common/cli/types.js';
import { packageVersion } from '../common/cli/version.js';
import winston from 'winston';

/** Recent log entries kept for `log.collect_system_logs`. */
const AGENT_LOG_ENTRIES = 5000;

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
  const agentLog = new MemoryTransport({ max: AGENT_LOG_ENTRIES });
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
  let running: RunningAgent;
  try {
    const core = await buildCore({
      config,
      logger,
      runner: new ExecaRunner(),
      fs,
      clock,
      disk: new NodeDiskReader(),
      version,
      bootId: readBootId(),
      agentLog,
    });
    running = config.standalone ? await startStandaloneMode(core) : await startIronicMode(core, clock);
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
