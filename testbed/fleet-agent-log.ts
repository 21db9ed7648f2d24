/**
 * What the logs of a fleet deploy say. Milestones of one agent boot, read from its log written with `--use-json`
 * (one JSON object per line, with winston's ISO `timestamp`): when it first
 * logged, looked itself up, heartbeated, ran the deploy step and asked for the
 * power-off; and how many heartbeats Ironic skipped for a node. Pure (but
 * {@link readTextIfAny}), so the bench and its tests read the same thing.
 */
import { readFileSync } from 'node:fs';

/** Epoch ms of each milestone the log showed (absent: not reached). */
export interface AgentMilestones {
  /** The first line the agent logged (its start, after node loaded the CLI). */
  firstLine?: number;
  /** The first `GET /v1/lookup` it sent ("Looking up node"). */
  lookupSent?: number;
  /** Ironic answered a lookup with the node ("Lookup succeeded"). */
  lookedUp?: number;
  /** The API listens on the callback URL ("Agent API listening"). */
  listening?: number;
  /** The first heartbeat Ironic accepted ("Heartbeat successful"). */
  firstHeartbeat?: number;
  /** The deploy step started ("Executing step" for the step). */
  stepStarted?: number;
  /** The deploy step ended ("Step finished" for the step). */
  stepFinished?: number;
  /** The first heartbeat accepted after the step ended (the one that lets Ironic move on). */
  heartbeatAfterStep?: number;
  /** `standby.power_off` reached the host ("Requesting power action from the host"). */
  powerOff?: number;
  /** Heartbeats Ironic answered 202 in this boot (Ironic may still skip one whose node is locked). */
  heartbeats: number;
  /** When each of them was answered. */
  heartbeatsAt: number[];
  /** Lookups sent in this boot. */
  lookups: number;
}

/** One parsed log entry. */
interface Entry {
  at: number;
  message: string;
  step?: unknown;
}

function parseLine(line: string): Entry | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    const { timestamp, message } = value;
    if (typeof timestamp !== 'string' || typeof message !== 'string') return undefined;
    const at = Date.parse(timestamp);
    return Number.isNaN(at) ? undefined : { at, message, step: value['step'] };
  } catch {
    return undefined;
  }
}

/**
 * The milestones in a `--use-json` agent log (lines that are not JSON, such as
 * the confinement's own output, are skipped).
 * @param text - the whole log
 * @param step - the deploy step to time (default `install_coreos`)
 */
export function agentMilestones(text: string, step = 'install_coreos'): AgentMilestones {
  const found: AgentMilestones = { heartbeats: 0, heartbeatsAt: [], lookups: 0 };
  for (const line of text.split('\n')) {
    const entry = parseLine(line.trim());
    if (entry === undefined) continue;
    found.firstLine ??= entry.at;
    switch (entry.message) {
      case 'Looking up node':
        found.lookups += 1;
        found.lookupSent ??= entry.at;
        break;
      case 'Lookup succeeded':
        found.lookedUp ??= entry.at;
        break;
      case 'Agent API listening':
        found.listening ??= entry.at;
        break;
      case 'Heartbeat successful':
        found.heartbeats += 1;
        found.heartbeatsAt.push(entry.at);
        found.firstHeartbeat ??= entry.at;
        if (found.stepFinished !== undefined) found.heartbeatAfterStep ??= entry.at;
        break;
      case 'Executing step':
        if (entry.step === step) found.stepStarted ??= entry.at;
        break;
      case 'Step finished':
        if (entry.step === step) found.stepFinished ??= entry.at;
        break;
      case 'Requesting power action from the host':
        found.powerOff ??= entry.at;
        break;
      default:
        break;
    }
  }
  return found;
}

/**
 * Heartbeats Ironic skipped for node `uuid` because the node was locked, counted
 * in the text of `ironic.log` (openstack/ironic ironic/drivers/modules/agent_base.py
 * logs "Node %s is currently locked, skipping heartbeat processing").
 */
export function skippedHeartbeats(ironicLog: string, uuid: string): number {
  const needle = `Node ${uuid} is currently locked, skipping heartbeat`;
  return ironicLog.split('\n').filter((line) => line.includes(needle)).length;
}

/** A file's text, or '' when it cannot be read (a log not written yet). */
export function readTextIfAny(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
