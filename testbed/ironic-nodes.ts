/**
 * Operator-side helpers over Ironic's REST API (microversion 1.82): enrol a
 * node with its port, read it, move it between provision states and wait for
 * a state with a useful diagnosis when it does not come.
 */
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactString } from '../agent/logger.js';

/** The operator API microversion the test bed speaks (Ironic 21.4's maximum; 29 and 35 accept it too). */
export const OPERATOR_API_VERSION = '1.82';

/** The node fields the helpers read; Ironic returns many more. */
export interface IronicNode {
  uuid: string;
  name: string | null;
  provision_state: string;
  target_provision_state: string | null;
  power_state: string | null;
  last_error: string | null;
  maintenance: boolean;
  properties: Record<string, unknown>;
  driver_internal_info: Record<string, unknown>;
  instance_info: Record<string, unknown>;
  [field: string]: unknown;
}

/** What {@link createNode} enrols. */
export interface NodeSpec {
  /** Node name (unique in this Ironic). */
  name: string;
  /** MAC of the node's NIC; becomes its one port (the agent looks itself up by it). */
  mac: string;
  /** Initial node properties (e.g. root_device hints). Default {}. */
  properties?: Record<string, unknown>;
  /** Deploy interface. Default 'custom-agent'. */
  deployInterface?: 'custom-agent' | 'direct' | 'fake';
  /** Inspect interface: 'inspector' (ironic-inspector) or 'agent' (Ironic 29+'s own). Default: Ironic's choice ('fake' on fake-hardware). */
  inspectInterface?: 'no-inspect' | 'fake' | 'inspector' | 'agent';
  /** Boot interface: 'pxe' makes Ironic render the ramdisk's kernel command line. Default: Ironic's choice ('fake' on fake-hardware). */
  bootInterface?: 'fake' | 'pxe';
  /** Hardware type. Default 'fake-hardware'. */
  driver?: 'fake-hardware' | 'manual-management';
  /** driver_info (e.g. deploy_kernel/deploy_ramdisk for manual-management). */
  driverInfo?: Record<string, unknown>;
  /** instance_info (e.g. root_device hints for a deploy). */
  instanceInfo?: Record<string, unknown>;
}

/** An axios instance for the operator API at `baseURL` whose errors quote Ironic's faultstring. */
export function createOperatorApi(baseURL: string): AxiosInstance {
  const api = axios.create({
    baseURL,
    timeout: 30_000,
    headers: { 'X-OpenStack-Ironic-API-Version': OPERATOR_API_VERSION, Accept: 'application/json' },
  });
  api.interceptors.response.use(undefined, (error: unknown) => {
    if (axios.isAxiosError(error)) error.message = describeApiError(error);
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  });
  return api;
}

/** "PUT /v1/nodes/…/states/provision → 400: <faultstring>" for an Ironic API error. */
export function describeApiError(error: AxiosError): string {
  const where = `${(error.config?.method ?? '?').toUpperCase()} ${error.config?.url ?? '?'}`;
  if (error.response === undefined) return `${where}: ${error.message}`;
  return `${where} → ${error.response.status}: ${faultString(error.response.data)}`;
}

/** Ironic wraps faults as {"error_message": "<JSON with faultstring>"}; return the faultstring. */
export function faultString(body: unknown): string {
  if (body !== null && typeof body === 'object' && 'error_message' in body) {
    const inner = body.error_message;
    if (typeof inner === 'string') {
      try {
        const parsed = JSON.parse(inner) as { faultstring?: unknown };
        if (typeof parsed.faultstring === 'string') return parsed.faultstring;
      } catch {
        return inner;
      }
    }
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/**
 * Enrol a node and its port; returns the node UUID. The node is deleted again
 * when the port cannot be created. Every field is set in the POST: Debian's
 * Ironic 29 and 35 make any PATCHed node its own parent_node (see
 * testbed/README.md), so the test bed never PATCHes nodes.
 */
export async function createNode(api: AxiosInstance, spec: NodeSpec): Promise<string> {
  const body: Record<string, unknown> = {
    name: spec.name,
    driver: spec.driver ?? 'fake-hardware',
    deploy_interface: spec.deployInterface ?? 'custom-agent',
    network_interface: 'noop',
    properties: spec.properties ?? {},
  };
  if (spec.inspectInterface !== undefined) body.inspect_interface = spec.inspectInterface;
  if (spec.bootInterface !== undefined) body.boot_interface = spec.bootInterface;
  if (spec.driverInfo !== undefined) body.driver_info = spec.driverInfo;
  if (spec.instanceInfo !== undefined) body.instance_info = spec.instanceInfo;
  const { data: node } = await api.post<IronicNode>('/v1/nodes', body);
  try {
    await api.post('/v1/ports', { address: spec.mac, node_uuid: node.uuid });
  } catch (error) {
    await api.delete(`/v1/nodes/${node.uuid}`).catch(() => undefined);
    throw error;
  }
  return node.uuid;
}

/** DELETE a node (and with it its ports); Ironic allows it in enroll, manageable and available. */
export async function deleteNode(api: AxiosInstance, uuid: string): Promise<void> {
  await api.delete(`/v1/nodes/${uuid}`);
}

/** GET one node (by UUID or name). */
export async function nodeShow(api: AxiosInstance, uuid: string): Promise<IronicNode> {
  const { data } = await api.get<IronicNode>(`/v1/nodes/${uuid}`);
  return data;
}

/**
 * Request a provision state change (`manage`, `provide`, `inspect`, `active`,
 * `deleted`, `clean`, `abort`, …); `extra` adds e.g. configdrive, deploy_steps.
 */
export async function setProvisionState(
  api: AxiosInstance,
  uuid: string,
  target: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await api.put(`/v1/nodes/${uuid}/states/provision`, { target, ...extra });
}

/** Provision states that never change on their own. */
export const FAILURE_STATES: readonly string[] = [
  'deploy failed',
  'clean failed',
  'inspect failed',
  'rescue failed',
  'service failed',
  'error',
];

/** Stable states that only count once no target state is pending (failure states keep their target). */
const SETTLED_STATES: readonly string[] = ['enroll', 'manageable', 'available', 'active'];

/** Options of {@link waitForProvisionState}. */
export interface WaitOptions {
  /** Poll interval in ms. Default 500. */
  intervalMs?: number;
  /** Text appended to a failure (e.g. the tail of ironic.log). */
  diagnostics?: () => string;
}

/**
 * Poll until the node is in one of `states` (for enroll, manageable, available
 * and active: with no pending target state).
 * Stops early when the node lands in a failure state that was not asked for.
 * @returns the node as last read
 * @throws Error with provision_state, target, last_error (agent tokens masked)
 *   and the diagnostics on timeout or on an unexpected failure state.
 */
export async function waitForProvisionState(
  api: AxiosInstance,
  uuid: string,
  states: readonly string[],
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<IronicNode> {
  const deadline = Date.now() + timeoutMs;
  const failures = FAILURE_STATES.filter((s) => !states.includes(s));
  for (;;) {
    const node = await nodeShow(api, uuid);
    const settled =
      !SETTLED_STATES.includes(node.provision_state) ||
      node.target_provision_state === null ||
      node.target_provision_state === undefined;
    if (states.includes(node.provision_state) && settled) return node;
    const failed = failures.includes(node.provision_state);
    if (failed || Date.now() >= deadline) {
      const why = failed ? `went to "${node.provision_state}"` : `timed out after ${timeoutMs} ms`;
      const extra = options.diagnostics?.() ?? '';
      throw new Error(
        redactString(
          `Node ${uuid} ${why} while waiting for ${states.map((s) => `"${s}"`).join(' or ')}: ` +
            `provision_state="${node.provision_state}" target="${String(node.target_provision_state)}" ` +
            `power_state="${String(node.power_state)}" last_error=${JSON.stringify(node.last_error)}` +
            (extra === '' ? '' : `\n${extra}`),
        ),
      );
    }
    await sleep(options.intervalMs ?? 500);
  }
}
