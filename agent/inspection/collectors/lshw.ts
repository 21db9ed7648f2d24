/**
 * `lshw -quiet -json` for the collectors that read it (extra-hardware,
 * usb-devices), and a port of IPA utils.find_in_lshw
 * (openstack/ironic-python-agent ironic_python_agent/utils.py).
 */
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { errorText } from './error-text.js';

/** One node of lshw's JSON tree (only the fields the collectors read are typed). */
export interface LshwNode {
  id?: string;
  class?: string;
  description?: string;
  product?: string;
  vendor?: string;
  version?: string;
  serial?: string;
  handle?: string;
  businfo?: string;
  physid?: string;
  slot?: string;
  date?: string;
  units?: string;
  size?: number;
  capacity?: number;
  clock?: number;
  logicalname?: string | string[];
  configuration?: Record<string, string | number>;
  children?: LshwNode[];
}

/** What {@link findInLshw} matches on; every given field must be equal. */
export interface LshwQuery {
  /** Exact id, or a pattern the id must match from its start. */
  id?: string | RegExp;
  class?: string;
  recursive?: boolean;
}

/**
 * The root node of lshw output: newer lshw (since lyonel/lshw 135a853)
 * prints a one-element list, older versions the object itself.
 */
export function lshwRoot(parsed: unknown): LshwNode | null {
  const root = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  return root !== null && typeof root === 'object' ? root : null;
}

/** The children of `node` matching `query`, depth first when recursive (IPA find_in_lshw order). */
export function findInLshw(node: LshwNode, query: LshwQuery): LshwNode[] {
  const found: LshwNode[] = [];
  for (const child of node.children ?? []) {
    if (matches(child, query)) found.push(child);
    if (query.recursive === true) found.push(...findInLshw(child, query));
  }
  return found;
}

/** The logical names of a node as a list. */
export function logicalNames(node: LshwNode): string[] {
  if (node.logicalname === undefined) return [];
  return Array.isArray(node.logicalname) ? node.logicalname : [node.logicalname];
}

/** Run lshw; null (logged) when it is missing, fails or prints no JSON object. */
export async function runLshw(runner: Runner, logger: Logger): Promise<LshwNode | null> {
  try {
    const { stdout } = await runner.run(['lshw', '-quiet', '-json'], { timeoutMs: 300_000 });
    const root = lshwRoot(JSON.parse(stdout) as unknown);
    if (root === null) logger.warn('lshw printed no hardware tree');
    return root;
  } catch (error) {
    logger.warn('lshw is not available; facts that only lshw knows are left out', { error: errorText(error) });
    return null;
  }
}

function matches(node: LshwNode, query: LshwQuery): boolean {
  const id = node.id ?? '';
  if (typeof query.id === 'string' && query.id !== id) return false;
  if (query.id instanceof RegExp && query.id.exec(id)?.index !== 0) return false;
  return query.class === undefined || node.class === query.class;
}
