/**
 * The agent's relationship with Ironic for one ramdisk boot: lookup, the
 * token decision, heartbeating, and starting over when Ironic wiped the token
 * (token refused → new lookup, new token, empty command history).
 *
 * Ironic wipes the token when an operation ends without fast track, e.g. a
 * failed deploy (openstack/ironic conductor/utils.py deploying_error_handler →
 * wipe_deploy_internal_info → wipe_token_and_url), and then answers every
 * heartbeat with 400 "Invalid or missing agent token received." (conductor
 * manager.py heartbeat). IPA keeps heartbeating with that token; this agent
 * never uses a refused token again: no heartbeats while it looks the node up
 * (in "deploy failed" lookup answers 404 until lookup_timeout, then the process
 * exits), a later lookup that hides the token (`******`) does not bring it
 * back, and the refused token is removed from the state dir so a restarted
 * process does not reuse it. (A pre-shared token from the kernel command line
 * is read again by a restarted process; Ironic refuses it again.)
 */
import { LookupNodeError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import type { AgentState } from '../agent.js';
import type { AgentSession, SessionStore } from '../state/session-store.js';
import type { CommandExecutor } from '../commands/executor.js';
import type { Clock, RandomSource } from '../../common/clock.js';
import { Heartbeater, type HeartbeatClient } from '../ironic/heartbeater.js';
import { LOOKUP_STOPPED, lookupNode, type LookupClient, type LookupOutcome } from '../ironic/lookup.js';

/** Why lookup gave up when Ironic kept answering `******`. */
const TOKEN_WITHHELD =
  'Ironic has already handed out the agent token for this boot and the agent has no persisted or pre-shared copy. ' +
  'Power-cycle the node through Ironic (or abort and retry the operation) so that Ironic issues a new token';

/** A session saved earlier in this boot that holds a token and the node it was issued for. */
type SessionWithToken = AgentSession & { nodeUuid: string; agentToken: string };

/** Dependencies of {@link IronicSession}. */
export interface IronicSessionDeps {
  client: LookupClient & HeartbeatClient;
  state: AgentState;
  executor: CommandExecutor;
  /** This boot's persisted session: the token is saved after lookup and dropped when Ironic refuses it. */
  store: Pick<SessionStore, 'load' | 'update'>;
  logger: Logger;
  clock: Clock;
  random: RandomSource;
  /** MACs to look up with. */
  macs: () => Promise<string[]>;
  /**
   * The node UUID this run's inspection returned. Only it is sent with the
   * lookup: Ironic then looks for that node alone (openstack/ironic
   * ironic/api/controllers/v1/ramdisk.py LookupController), so a UUID left in
   * the state dir by an earlier run could keep a fresh agent from being found.
   */
  nodeUuid?: string | null;
  /** Pre-shared token (`agent_token` / `ipa-agent-token`). */
  presharedToken: string | null;
  lookupTimeoutSec: number;
  lookupIntervalSec: number;
  /** `<protocol>://<host>:<port>`, stable for the whole boot (known once TLS is set up, after lookup). */
  callbackUrl: () => string;
  /** PEM of the auto-TLS certificate, or null. */
  verifyCa: () => string | null;
  /** Ironic issued a new token: a new operation began, so nothing of the previous one may be resumed. */
  onNewToken?: () => void;
  agentVersion: string;
  /** A re-lookup failed for good (lookup_timeout): the agent must exit non-zero so systemd restarts it. */
  onFatal: (error: unknown) => void;
}

/** Lookup + heartbeat for one boot. */
export class IronicSession {
  private readonly heartbeater: Heartbeater;
  private relooking: Promise<void> | null = null;
  /** Tokens Ironic refused in this process; never sent again. */
  private readonly refused = new Set<string>();
  /** Aborted by stop(): no lookup may run after a power action (it would take the next operation's token). */
  private readonly stopping = new AbortController();

  constructor(private readonly deps: IronicSessionDeps) {
    this.heartbeater = new Heartbeater({
      client: deps.client,
      clock: deps.clock,
      random: deps.random,
      logger: deps.logger.child({ module: 'heartbeater' }),
      heartbeatTimeoutSec: () => deps.state.heartbeatTimeoutSec,
      request: () => ({
        nodeUuid: requireNode(deps.state),
        callbackUrl: deps.callbackUrl(),
        token: deps.state.currentToken(),
        agentVersion: deps.agentVersion,
        verifyCa: deps.verifyCa(),
      }),
      onTokenRejected: () => this.relookup(),
    });
  }

  /**
   * Look the node up until it is found with a usable token.
   * @throws LookupNodeError when `lookup_timeout` passes (the process exits non-zero; systemd restarts it)
   */
  async connect(): Promise<void> {
    const { deps } = this;
    const deadline = deps.clock.now() + deps.lookupTimeoutSec * 1000;
    const persisted = withToken(deps.store.load());
    let tokenWithheld = false;
    for (;;) {
      const remainingSec = Math.max(1, (deadline - deps.clock.now()) / 1000);
      let outcome: LookupOutcome;
      try {
        outcome = await lookupNode(deps.client, {
          macs: await deps.macs(),
          nodeUuid: deps.nodeUuid ?? null,
          timeoutSec: remainingSec,
          intervalSec: deps.lookupIntervalSec,
          clock: deps.clock,
          random: deps.random,
          logger: deps.logger,
          signal: this.stopping.signal,
        });
      } catch (error) {
        throw tokenWithheld && error instanceof LookupNodeError
          ? new LookupNodeError(TOKEN_WITHHELD, { cause: error })
          : error;
      }
      if (this.adopt(outcome, persisted)) return;
      tokenWithheld = true;
      if (deps.clock.now() >= deadline) throw new LookupNodeError(TOKEN_WITHHELD);
      await deps.clock.sleep(5000, this.stopping.signal);
      if (this.stopping.signal.aborted) throw new LookupNodeError(LOOKUP_STOPPED);
    }
  }

  /** Start heartbeating (the first heartbeat is immediate). */
  start(): void {
    this.heartbeater.start();
  }

  /** Heartbeat now (after an async command ends). */
  force(): void {
    this.heartbeater.force();
  }

  /**
   * Stop heartbeating and end a re-lookup in progress; none starts afterwards.
   * After a power action the agent must stay silent: a kept-alive process that
   * looked the node up again would take the token of Ironic's next operation
   * from the agent that boots for it.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.heartbeater.stop();
    await this.relooking;
  }

  /** Decide the token from a lookup; false when no usable token exists yet. */
  private adopt(outcome: LookupOutcome, persisted: SessionWithToken | null): boolean {
    const { deps } = this;
    const nodeUuid = outcome.node.uuid;
    let token: string | null = null;
    if (outcome.token.kind === 'received') {
      token = outcome.token.token;
      // Ironic hands a token out once per operation: nothing recorded before it (in this process or,
      // through the state dir, by an earlier one, possibly for a node since re-enrolled) belongs to it.
      const previous = deps.state.currentToken() ?? persisted?.agentToken ?? null;
      if (previous !== token) {
        if (previous !== null || deps.executor.list().length > 0) {
          deps.logger.info('Ironic issued a new agent token: starting a new command history for this boot', {
            nodeUuid,
          });
        }
        deps.executor.reset();
        deps.onNewToken?.();
      }
    } else if (outcome.token.kind === 'alreadyIssued') {
      token = persisted !== null && persisted.nodeUuid === nodeUuid ? persisted.agentToken : deps.presharedToken;
      if (token === null) {
        deps.logger.error(
          'The agent token was already handed out and this agent has no copy; it cannot heartbeat until Ironic power-cycles the node. Retrying lookup',
          { nodeUuid },
        );
        return false;
      }
      deps.logger.info('Using the agent token persisted earlier in this boot', {
        nodeUuid,
        source: persisted?.nodeUuid === nodeUuid ? 'state-dir' : 'pre-shared',
      });
    } else {
      token = deps.presharedToken;
    }
    if (token !== null && this.refused.has(token)) {
      deps.logger.error('Ironic refused this agent token earlier and issued no new one; retrying lookup', { nodeUuid });
      return false;
    }
    deps.state.applyLookup({ node: outcome.node, config: outcome.config });
    deps.state.heartbeatTimeoutSec = outcome.heartbeatTimeoutSec;
    deps.state.setToken(token);
    if (token !== null) deps.store.update({ nodeUuid, agentToken: token });
    return true;
  }

  /**
   * Ironic refused the token: it wiped it (operation failed or ended, or it
   * power-cycled the node). Look up again (once at a time; the heartbeater
   * waits). When that fails for good, stop heartbeating before reporting it.
   */
  private relookup(): Promise<void> {
    if (this.relooking !== null) return this.relooking;
    if (this.stopping.signal.aborted) return Promise.resolve();
    const token = this.deps.state.currentToken();
    if (token !== null) this.refused.add(token);
    // The node UUID stays: only the token is void.
    this.deps.store.update({ agentToken: null });
    this.deps.logger.warn(
      'Ironic refused the agent token (it ended the operation or power-cycled the node): looking the node up again',
    );
    this.relooking = this.connect()
      .catch(async (error: unknown) => {
        if (this.stopping.signal.aborted) {
          this.deps.logger.info('Lookup ended: the agent was stopped');
          return;
        }
        this.deps.logger.error('Lookup after a refused token failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        await this.heartbeater.stop();
        this.deps.onFatal(error);
      })
      .finally(() => {
        this.relooking = null;
      });
    return this.relooking;
  }
}

/** The session when it holds both a token and its node, else null. */
function withToken(session: AgentSession | null): SessionWithToken | null {
  if (session === null || session.nodeUuid === null || session.agentToken === null) return null;
  return session as SessionWithToken;
}

function requireNode(state: AgentState): string {
  const uuid = state.node?.uuid;
  if (uuid === undefined) throw new Error('no node: lookup has not succeeded yet');
  return uuid;
}
