/**
 * Builds the parts every agent mode shares: the event port, hardware dispatch,
 * per-boot state, the command executor with its journal and the extensions,
 * and the step an earlier process of this boot left running. Everything is
 * built in dependency order and nothing is patched afterwards: what a mode
 * reacts to (a command ended, a power action, lockdown) reaches it through
 * {@link AgentEvents}.
 */
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { Clock } from '../../common/clock.js';
import type { Runner } from '../../common/exec/runner.js';
import type { Fs } from '../../common/fs/fs.js';
import type { BootStateStore } from '../../common/state/boot-state-store.js';
import type { Logger } from '../logger.js';
import { AgentState } from '../agent.js';
import { CommandExecutor } from '../commands/executor.js';
import { CommandJournal } from '../commands/command-journal.js';
import { builtinExtensions } from '../extensions/index.js';
import { collectSystemLogs, type LogDeps } from '../extensions/log/index.js';
import { HardwareDispatcher } from '../hardware/dispatch.js';
import type { HardwareManager } from '../hardware/types.js';
import { SessionStore } from '../state/session-store.js';
import { AgentEvents } from './events.js';
import { InterruptedStep } from './interrupted-step.js';
import { parseNodeInfo } from './node-info.js';
import { isResumableIn } from './resume.js';

/** Everything the modes (Ironic, standalone, inspection-only) share. Built once; never reassigned. */
export interface AgentCore {
  readonly config: AgentConfig;
  readonly logger: Logger;
  readonly runner: Runner;
  /** The agent's filesystem (inspection reads sysfs and procfs through it). */
  readonly fs: Fs;
  /** The system clock in production (certificate validity, the agent's start time). */
  readonly clock: Clock;
  readonly dispatcher: HardwareDispatcher;
  readonly state: AgentState;
  readonly executor: CommandExecutor;
  /** What the executor and the extensions report; the running mode subscribes. */
  readonly events: AgentEvents;
  /** The step an earlier agent process of this boot was running, to resume or discard. */
  readonly interrupted: InterruptedStep;
  /** This boot's persisted session: node, token, callback URL and auto-TLS certificate. */
  readonly sessionStore: SessionStore;
  /** Gather the system-log tarball (base64). */
  systemLogs(): Promise<string>;
}

/** Inputs of {@link buildCore}. */
export interface CoreInputs {
  config: AgentConfig;
  logger: Logger;
  runner: Runner;
  /** The real filesystem (node-fs.ts) in production. */
  fs: Fs;
  /** The system clock in production: the agent's start time. */
  clock: Clock;
  version: string;
  /** This boot's state documents (session, command journal). */
  stateStore: BootStateStore;
  /** The agent's recent log (recent-log.ts in production), for `log.collect_system_logs`. */
  agentLog: { text(): string };
  /** The hardware managers, not yet probed. */
  managers: readonly HardwareManager[];
}

/**
 * Probe and initialize the managers, build the executor and its extensions,
 * and restore this boot's command history.
 * @throws HardwareManagerNotFound when no manager supports the machine
 */
export async function buildCore(inputs: CoreInputs): Promise<AgentCore> {
  const { config, logger, runner, fs, clock } = inputs;
  const events = new AgentEvents(logger.child({ module: 'events' }));
  const dispatcher = await HardwareDispatcher.create(inputs.managers, logger.child({ module: 'hardware' }));
  const state = new AgentState(inputs.version, logger, { token: config.agentToken, now: clock.now() });
  const logDeps: LogDeps = {
    runner,
    dispatcher,
    logger,
    rootMount: config.rootMount,
    agentLog: () => inputs.agentLog.text(),
    secrets: () => [state.currentToken()].filter((t): t is string => t !== null),
  };
  const extensions = builtinExtensions({
    steps: { dispatcher, logger: logger.child({ module: 'steps' }), cacheNode: (node) => state.cacheNode(node) },
    standby: {
      runner,
      dispatcher,
      logger,
      rootMount: config.rootMount,
      onPowerAction: (action) => events.emit('powerAction', action),
    },
    poll: {
      dispatcher,
      standalone: config.standalone,
      processLookupData: (data) => state.applyLookup(parseNodeInfo(data)),
    },
    log: logDeps,
    system: { lockdown: () => events.emit('lockdown') },
    // flow.start_flow runs commands through the executor that holds it: the one
    // cycle of the graph, closed by the const below (only called once commands run).
    flowRunner: () => executor,
  });
  const journal = new CommandJournal(inputs.stateStore, logger.child({ module: 'journal' }));
  const executor = new CommandExecutor({
    extensions,
    logger: logger.child({ module: 'commands' }),
    onAsyncComplete: () => events.emit('commandFinished'),
    observer: journal,
  });
  const restored = journal.load(isResumableIn(extensions));
  executor.restore(restored.finished);
  return {
    config,
    logger,
    runner,
    fs,
    clock,
    dispatcher,
    state,
    executor,
    events,
    interrupted: new InterruptedStep(restored.resume, executor, logger),
    sessionStore: new SessionStore(inputs.stateStore, logger.child({ module: 'state' })),
    systemLogs: () => collectSystemLogs(logDeps),
  };
}
