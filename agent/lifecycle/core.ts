/**
 * Builds the parts every agent mode shares: hardware managers and dispatch,
 * per-boot state, the command executor with its journal and the extensions.
 */
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { Runner } from '../../common/exec/runner.js';
import type { Logger, MemoryTransport } from '../logger.js';
import { AgentState } from '../agent.js';
import { CommandExecutor } from '../commands/executor.js';
import { CommandJournal, type RestoredHistory } from '../commands/command-journal.js';
import { builtinExtensions } from '../extensions/index.js';
import { HardwareDispatcher } from '../hardware/dispatch.js';
import { builtinManagers } from '../hardware/index.js';
import { collectSystemLogs, type LogDeps } from '../extensions/log/index.js';
import { isResumable } from './resume.js';
import type { ApiAgent } from '../api/app.js';
import { CommandExecutionError, InvalidCommandParamsError } from '../../common/errors.js';
import { CommandResult } from '../commands/command-result.js';
import { BootStateStore } from '../../common/state/boot-state-store.js';
import { NodeStateFs } from '../../common/state/state-fs.js';
import { SessionStore } from '../state/session-store.js';

/** Everything the modes (standalone, Ironic) share. */
export interface AgentCore {
  config: AgentConfig;
  logger: Logger;
  runner: Runner;
  dispatcher: HardwareDispatcher;
  state: AgentState;
  /** This boot's persisted session (node, token, callback URL, auto-TLS). */
  sessionStore: SessionStore;
  executor: CommandExecutor;
  restored: RestoredHistory;
  logDeps: LogDeps;
  /** Set by the mode: called when an async command ends (heartbeat now). */
  onAsyncComplete: () => void;
  /** Set by the mode: lock the agent down (system.lockdown). */
  lockdown: () => void;
  /** Set by the mode: a power action was issued. */
  onPowerAction: (action: 'poweroff' | 'reboot') => void;
  /** Gather the system-log tarball (base64). */
  systemLogs: () => Promise<string>;
}

/** Inputs of {@link buildCore}. */
export interface CoreInputs {
  config: AgentConfig;
  logger: Logger;
  runner: Runner;
  version: string;
  bootId: string;
  agentLog: MemoryTransport;
}

/** Probe the managers, build executor and extensions, and restore this boot's history. */
export async function buildCore(inputs: CoreInputs): Promise<AgentCore> {
  const { config, logger, runner } = inputs;
  const stateStore = new BootStateStore({ dir: config.stateDir, fs: new NodeStateFs(), bootId: () => inputs.bootId });
  let dispatcherRef: HardwareDispatcher | null = null;
  const managers = builtinManagers({
    config,
    runner,
    logger,
    stateStore,
    dispatcher: () => requireDispatcher(dispatcherRef),
  });
  const dispatcher = await HardwareDispatcher.create(managers, logger.child({ module: 'hardware' }));
  dispatcherRef = dispatcher;
  const state = new AgentState(inputs.version, logger, { token: config.agentToken });
  const journal = new CommandJournal(stateStore, logger.child({ module: 'journal' }));
  const logDeps: LogDeps = {
    runner,
    dispatcher,
    logger,
    rootMount: config.rootMount,
    agentLog: () => inputs.agentLog.text(),
    secrets: () => [state.currentToken()].filter((t): t is string => t !== null),
  };
  const core: AgentCore = {
    config,
    logger,
    runner,
    dispatcher,
    state,
    sessionStore: new SessionStore(stateStore, logger.child({ module: 'state' })),
    logDeps,
    executor: undefined as unknown as CommandExecutor,
    restored: { finished: [], resume: null },
    onAsyncComplete: () => undefined,
    lockdown: () => undefined,
    onPowerAction: () => undefined,
    systemLogs: () => collectSystemLogs(logDeps),
  };
  const extensions = builtinExtensions({
    steps: { dispatcher, logger: logger.child({ module: 'steps' }), cacheNode: (node) => state.cacheNode(node) },
    standby: { runner, dispatcher, logger, rootMount: config.rootMount, onPowerAction: (a) => core.onPowerAction(a) },
    poll: {
      dispatcher,
      standalone: config.standalone,
      processLookupData: (data) => {
        applyNodeInfo(state, data);
      },
    },
    log: logDeps,
    system: { lockdown: () => core.lockdown() },
    flowRunner: () => core.executor,
  });
  core.executor = new CommandExecutor({
    extensions,
    logger: logger.child({ module: 'commands' }),
    onAsyncComplete: () => core.onAsyncComplete(),
    observer: journal,
  });
  core.restored = journal.load(isResumable);
  core.executor.restore(core.restored.finished);
  return core;
}

/** The API's view of the agent. */
export function apiAgent(core: AgentCore): ApiAgent {
  return {
    executor: core.executor,
    status: () => core.state.status(),
    validateToken: (token) => core.state.validateToken(token),
  };
}

/** Run the step that was interrupted by an agent restart again, under its id. */
export async function resumeInterrupted(core: AgentCore): Promise<void> {
  const pending = core.restored.resume;
  if (pending === null) return;
  core.logger.warn('Resuming the step that was running when the agent process stopped', {
    command: pending.name,
    id: pending.id,
  });
  try {
    await core.executor.execute(pending.name, pending.params, { id: pending.id });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    core.logger.error('Could not resume the interrupted step; recording it as failed', {
      command: pending.name,
      error: text,
    });
    // Left out of the history, Ironic would take the agent as freshly booted and skip the step.
    const failed = new CommandResult(pending.name.slice(pending.name.indexOf('.') + 1), 'async', { id: pending.id });
    failed.fail(new CommandExecutionError(`The agent restarted during this step and could not resume it: ${text}`));
    core.executor.restore([failed]);
  }
}

function requireDispatcher(dispatcher: HardwareDispatcher | null): HardwareDispatcher {
  if (dispatcher === null) throw new Error('hardware managers are still being probed');
  return dispatcher;
}

function applyNodeInfo(state: AgentState, data: Record<string, unknown>): void {
  const node = data['node'];
  const config = data['config'];
  if (typeof node !== 'object' || node === null || typeof (node as { uuid?: unknown }).uuid !== 'string') {
    throw new InvalidCommandParamsError('node_info.node must be an object with a uuid');
  }
  state.applyLookup({
    node: node as never,
    config: typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {},
  });
}
