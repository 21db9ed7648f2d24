/**
 * A scripted fleet/apply IronicApi: nodes by name, each with the provision
 * states it goes through after a rebuild (one per GET), and every call
 * recorded. For the unit tests of the Ironic path; the e2e suite uses a real Ironic.
 */
import { IronicRequestError, type IronicApi, type IronicNode } from '../../fleet/apply/ironic-client.js';

/** One node of the fake. */
export interface FakeIronicNode {
  node: IronicNode;
  /** States shown by the GETs after a rebuild, one each; the last one stays (default deploying, active). */
  afterRebuild?: string[];
  /** last_error once a `... failed` state is shown after a rebuild. */
  failure?: string;
  /** States shown after an undeploy (default deleting, available) and after the deploy that follows it. */
  afterUndeploy?: string[];
  afterDeploy?: string[];
  /** A rebuild is already under way (an earlier run asked for it): the GETs walk `afterRebuild` at once. */
  inFlight?: boolean;
}

/** A recorded call. */
export interface FakeIronicCall {
  readonly op: 'get' | 'rebuild' | 'undeploy' | 'deploy';
  readonly ident: string;
  readonly configText?: string;
}

/** An Ironic node in `active` with a fixed provision_updated_at. */
export function ironicNode(name: string, overrides: Partial<IronicNode> = {}): IronicNode {
  return {
    uuid: `uuid-${name}`,
    name,
    provision_state: 'active',
    provision_updated_at: '2026-12-01T10:00:00+00:00',
    last_error: null,
    maintenance: false,
    ...overrides,
  };
}

/** The fake. */
export class FakeIronicApi implements IronicApi {
  readonly calls: FakeIronicCall[] = [];
  private readonly nodes = new Map<string, FakeIronicNode>();
  private rebuilds = 0;
  /** Errors thrown instead of the next GETs once a rebuild is under way (Ironic busy or restarting). */
  readonly getErrors: IronicRequestError[] = [];

  constructor(...nodes: FakeIronicNode[]) {
    for (const n of nodes) this.nodes.set(n.node.name ?? n.node.uuid, n);
  }

  async getNode(ident: string): Promise<IronicNode> {
    this.calls.push({ op: 'get', ident });
    const entry = this.find(ident);
    const error = entry.inFlight === true ? this.getErrors.shift() : undefined;
    if (error !== undefined) throw error;
    const queue = entry.inFlight === true ? entry.afterRebuild : undefined;
    if (queue !== undefined && queue.length > 1) {
      this.show(entry, queue.shift()!);
    } else if (queue !== undefined && queue.length === 1) {
      this.show(entry, queue[0]!);
    }
    return entry.node;
  }

  /** Answer every rebuild as Ironic 29 and 35 do for a node without image_source. */
  brokenRebuild = false;

  async rebuild(ident: string, configText: string): Promise<void> {
    this.calls.push({ op: 'rebuild', ident, configText });
    const entry = this.find(ident);
    if (this.brokenRebuild) {
      throw new IronicRequestError(
        `rebuild of node ${ident}: Ironic answered 500: cannot access local variable 'auto_lessee' where it is not associated with a value`,
        500,
      );
    }
    if (!['active', 'deploy failed'].includes(entry.node.provision_state)) {
      throw new IronicRequestError(`rebuild of node ${ident}: Ironic answered 400`, 400);
    }
    this.rebuilds += 1;
    entry.inFlight = true;
    entry.afterRebuild ??= ['deploying', 'active'];
    entry.node = {
      ...entry.node,
      provision_state: 'deploying',
      provision_updated_at: `2026-12-01T11:00:0${this.rebuilds}+00:00`,
    };
  }

  async undeploy(ident: string): Promise<void> {
    this.calls.push({ op: 'undeploy', ident });
    const entry = this.find(ident);
    this.move(entry, 'deleting', entry.afterUndeploy ?? ['deleting', 'available']);
  }

  async deploy(ident: string, configText: string): Promise<void> {
    this.calls.push({ op: 'deploy', ident, configText });
    const entry = this.find(ident);
    if (entry.node.provision_state !== 'available') {
      throw new IronicRequestError(`deploy of node ${ident}: Ironic answered 400`, 400);
    }
    this.move(entry, 'deploying', entry.afterDeploy ?? ['deploying', 'active']);
  }

  private move(entry: FakeIronicNode, state: string, then: string[]): void {
    this.rebuilds += 1;
    entry.inFlight = true;
    entry.afterRebuild = [...then];
    entry.node = {
      ...entry.node,
      provision_state: state,
      provision_updated_at: `2026-12-01T11:00:0${this.rebuilds}+00:00`,
    };
  }

  /** The node as it is now. */
  state(ident: string): IronicNode {
    return this.find(ident).node;
  }

  private show(entry: FakeIronicNode, state: string): void {
    entry.node = {
      ...entry.node,
      provision_state: state,
      last_error: state.endsWith(' failed') ? (entry.failure ?? 'failed') : entry.node.last_error,
    };
  }

  private find(ident: string): FakeIronicNode {
    const entry = this.nodes.get(ident);
    if (entry === undefined) throw new IronicRequestError(`GET node ${ident}: Ironic answered 404`, 404);
    return entry;
  }
}
