/**
 * The lookup policy: ask Ironic which node this is until it answers or
 * `lookup_timeout` passes. Port of IPA APIClient.lookup_node (tenacity with
 * random-exponential waits) and the token handling of agent.process_lookup_data.
 */
import type { Node } from '../hardware/types.js';
import { LookupNodeError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import type { Clock, RandomSource } from '../../common/clock.js';
import type { LookupRequest, LookupResult } from './client.js';
import { lookupBackoff, nextConflictPause } from './jitter.js';
import { decideToken, DEFAULT_HEARTBEAT_TIMEOUT_SEC, heartbeatTimeoutOf, type TokenDecision } from './lookup-data.js';

/** The part of IronicClient the policy needs. */
export interface LookupClient {
  lookup(request: LookupRequest): Promise<LookupResult>;
  readonly apiUrls: readonly string[];
}

/** Options of {@link lookupNode}. */
export interface LookupNodeOptions {
  /** MACs of the machine's interfaces. */
  macs: readonly string[];
  /** Node UUID, e.g. from inspection. Default none. */
  nodeUuid?: string | null;
  /** `lookup_timeout`: give up after this many seconds (default config 600). */
  timeoutSec: number;
  /** `lookup_interval`: the smallest wait between attempts (default config 1). */
  intervalSec: number;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** Aborted when the agent stops (power action, shutdown): the loop ends with a LookupNodeError. Default: never. */
  signal?: AbortSignal;
}

/** The message of the LookupNodeError thrown when `signal` aborts the lookup. */
export const LOOKUP_STOPPED = 'Lookup stopped: the agent is stopping';

/** A successful lookup. */
export interface LookupOutcome {
  node: Node;
  /** Ironic's `config` (agent_token included: never log it whole). */
  config: Record<string, unknown>;
  /** `config.heartbeat_timeout`, or 300 when missing. */
  heartbeatTimeoutSec: number;
  /**
   * The token verdict. `alreadyIssued` means Ironic gave the token out earlier:
   * the caller must use a persisted or pre-shared token, or fail loudly.
   */
  token: TokenDecision;
  /** How many requests it took. */
  attempts: number;
}

/**
 * Look the node up, retrying with IPA's policy: after the n-th failed attempt
 * wait `U(interval, min(60, 2^(n-1)))` s (the last wait is cut to the deadline);
 * a 409 adds a pause of 5, then 10, then 30 s; a 404 logs "Check if inspection
 * has completed?".
 * @throws LookupNodeError when nothing was found before `timeoutSec`, when
 *   there is neither a MAC nor a node UUID to look up with, or when `signal`
 *   aborted ({@link LOOKUP_STOPPED})
 */
export async function lookupNode(client: LookupClient, options: LookupNodeOptions): Promise<LookupOutcome> {
  const { clock, logger } = options;
  const macs = options.macs.filter((m) => m !== '');
  const nodeUuid = options.nodeUuid ?? null;
  if (macs.length === 0 && (nodeUuid === null || nodeUuid === '')) {
    throw new LookupNodeError(
      'No MAC address and no node UUID to look up with: check that the network interfaces are visible to the agent, or pass the node UUID',
    );
  }
  const start = clock.now();
  let pauseSec = 0;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted === true) throw new LookupNodeError(LOOKUP_STOPPED);
    const result = await attemptLookup(client, { macs, nodeUuid }, logger);
    if (result.kind === 'found') return outcome(result.data.node, result.data.config, attempt, logger);
    if (result.kind === 'conflict') {
      pauseSec = nextConflictPause(pauseSec);
      logger.warn('Ironic answered a conflict: the node is locked, pausing before the next lookup', {
        pauseSec,
        error: result.message,
      });
      await clock.sleep(pauseSec * 1000, options.signal);
    } else if (result.kind === 'notFound') {
      logger.warn('Failed looking up node. Check if inspection has completed?', {
        addresses: macs.join(','),
        url: client.apiUrls[0],
        error: result.message,
      });
    } else {
      logger.warn('Lookup failed, retrying', {
        url: client.apiUrls[0],
        status: result.status ?? null,
        error: result.message,
      });
    }
    const elapsedSec = (clock.now() - start) / 1000;
    if (elapsedSec >= options.timeoutSec) {
      throw new LookupNodeError(
        `Could not look up node info within ${options.timeoutSec} s (${attempt} attempts, last: ${result.message}). ` +
          'Check that Ironic is reachable, that a port with one of these MACs exists, and that the node is in a state that allows lookup',
      );
    }
    const waitSec = Math.min(
      lookupBackoff(attempt, options.intervalSec, options.random),
      options.timeoutSec - elapsedSec,
    );
    await clock.sleep(waitSec * 1000, options.signal);
  }
}

/** One attempt; an unexpected exception counts as a failed attempt (IPA logs and retries). */
async function attemptLookup(client: LookupClient, request: LookupRequest, logger: Logger): Promise<LookupResult> {
  try {
    return await client.lookup(request);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error('Unexpected error while looking up the node', { error: message });
    return { kind: 'error', message };
  }
}

/** Build the outcome and log the token verdict (never the token). */
function outcome(node: Node, config: Record<string, unknown>, attempts: number, logger: Logger): LookupOutcome {
  logger.info('Lookup succeeded', { nodeUuid: node.uuid, attempts });
  const token = decideToken(config);
  if (token.kind === 'received') logger.debug('Agent token received from Ironic');
  if (token.kind === 'alreadyIssued') {
    logger.warn(
      'The agent token has already been retrieved from Ironic; only a persisted or pre-shared token can be used now',
      { nodeUuid: node.uuid },
    );
  }
  if (token.kind === 'none' && token.invalid)
    logger.warn('Ironic sent an invalid agent token; ignoring it', { nodeUuid: node.uuid });
  let heartbeatTimeoutSec = heartbeatTimeoutOf(config);
  if (heartbeatTimeoutSec === null) {
    logger.warn('The lookup answer has no usable heartbeat_timeout; using the default', {
      defaultSec: DEFAULT_HEARTBEAT_TIMEOUT_SEC,
    });
    heartbeatTimeoutSec = DEFAULT_HEARTBEAT_TIMEOUT_SEC;
  }
  return { node, config, heartbeatTimeoutSec, token, attempts };
}
