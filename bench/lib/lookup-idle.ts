/**
 * The boot rows: milliseconds from spawning the agent until its first
 * `GET /v1/lookup` reaches a stub Ironic, and its peak resident memory
 * (`VmHWM`) once it has sat idle for a while after start, against a bare
 * node:http server's spawn-to-first-200 and its `VmHWM` after the same time;
 * and, once the agent has started, how soon Ironic hears that a command it
 * sent has finished (the heartbeat the agent sends as an async command ends).
 */
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { postJson } from './commands.js';
import { startServer } from './measure.js';
import { describeExit, type BenchProcess, type ProcessGroup } from './process.js';
import { freePort, readVmHwm } from './proc-status.js';
import { startIronicStub, type IronicStub } from './ironic-stub.js';
import { ironicAgentTarget, type AgentInputs, type ServerTarget } from './targets.js';

/** One boot of a server: how long until it did its first thing, and its peak memory after idling. */
export interface BootSample {
  /** Spawn to the first lookup (agent) or the first 200 (bare server), ms. */
  firstMs: number;
  /** VmHWM in bytes `idleMs` after spawn. */
  hwmBytes: number;
}

/** One run of the boot rows. */
export interface BootRun {
  bare: BootSample;
  agentTlsOff: BootSample;
  agentTlsOn: BootSample;
  /** Sending the auto-TLS-off agent {@link ASYNC_COMMAND} to the stub receiving the heartbeat after it, ms. */
  commandToHeartbeatMs: number;
}

/**
 * An async command that ends at once: a flow of one sync command (openstack/ironic-python-agent
 * `extensions/flow.py`). As any async command ends, the agent heartbeats without waiting for its interval,
 * so that Ironic sees a finished step at once (IPA's `force_heartbeat`).
 */
export const ASYNC_COMMAND = JSON.stringify({
  name: 'flow.start_flow',
  params: { flow: [{ 'standby.get_partition_uuids': {} }] },
});

/** Reject when `child` exits first or `timeoutMs` passes; otherwise resolve with `arrival`. */
async function awaitArrival(
  child: BenchProcess,
  arrival: Promise<number>,
  timeoutMs: number,
  label: string,
  what = 'lookup',
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
    void child.exited.then((exit) => reject(new Error(`${label} ${describeExit(exit)}`)));
  });
  try {
    return await Promise.race([arrival, failure]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- last output of ${label} ---\n${child.outputTail().trimEnd() || '(none)'}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Milliseconds from sending {@link ASYNC_COMMAND} to the agent until the stub receives the next heartbeat.
 * @throws Error when the agent refuses the command or does not heartbeat within `timeoutMs`
 */
async function timeCommandToHeartbeat(
  child: BenchProcess,
  agentUrl: string,
  stub: IronicStub,
  options: { token: string; timeoutMs: number; label: string },
): Promise<number> {
  const sent = performance.now();
  const heartbeat = stub.heartbeatAfter(sent);
  const agent = new Agent({ keepAlive: false });
  try {
    const url = `${agentUrl}/v1/commands/?wait=false&agent_token=${options.token}`;
    const answer = await postJson(url, agent, ASYNC_COMMAND, options.timeoutMs);
    if (answer.status !== 200 || !/"command_status":"(RUNNING|SUCCEEDED)"/.test(answer.body))
      throw new Error(
        `${options.label} answered flow.start_flow with HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
      );
  } finally {
    agent.destroy();
  }
  const at = await awaitArrival(child, heartbeat, options.timeoutMs, options.label, 'heartbeat after its command');
  return at - sent;
}

/** What {@link measureBoot} starts and how long it waits. */
export interface BootOptions {
  node: string;
  inputs: AgentInputs;
  bare: ServerTarget;
  /** A fresh empty directory per start. */
  scratch: () => Promise<string>;
  /** Idle time after spawn before reading VmHWM. */
  idleMs: number;
  startTimeoutMs: number;
}

/**
 * Start the bare server and the agent with auto-TLS off and on one after the
 * other (each start timed alone: the next once the previous agent has sent its
 * first heartbeat), let each idle until `idleMs` after its spawn,
 * read every VmHWM, stop them.
 */
export async function measureBoot(group: ProcessGroup, options: BootOptions): Promise<BootRun> {
  const children: BenchProcess[] = [];
  const stubs: { close(): Promise<void> }[] = [];
  const hwmAfterIdle = async (child: BenchProcess): Promise<number> => {
    await sleep(Math.max(0, child.spawnedAt + options.idleMs - performance.now()));
    return readVmHwm(child.pid);
  };
  try {
    const bare = await startServer(options.bare, group, await options.scratch(), options.startTimeoutMs);
    children.push(bare.child);
    const agents: { child: BenchProcess; firstMs: number; url: string; stub: IronicStub; label: string }[] = [];
    for (const autoTls of [false, true]) {
      const stub = await startIronicStub(options.inputs.token);
      stubs.push(stub);
      const target = ironicAgentTarget(options.node, options.inputs, { apiUrl: stub.url, autoTls });
      const port = await freePort();
      const child = group.start(target.argv(port, await options.scratch()));
      children.push(child);
      const at = await awaitArrival(child, stub.firstLookup, options.startTimeoutMs, target.label);
      agents.push({ child, firstMs: at - child.spawnedAt, url: `http://127.0.0.1:${port}`, stub, label: target.label });
      // The agent goes on after its lookup (the API, TLS, the first heartbeat): the next start waits for
      // all of it, so that it is not timed on a CPU the previous agent still uses.
      await awaitArrival(child, stub.firstHeartbeat, options.startTimeoutMs, target.label, 'heartbeat');
    }
    const [off, on] = agents as [(typeof agents)[0], (typeof agents)[0]];
    const run = {
      bare: { firstMs: bare.readyAt - bare.child.spawnedAt, hwmBytes: await hwmAfterIdle(bare.child) },
      agentTlsOff: { firstMs: off.firstMs, hwmBytes: await hwmAfterIdle(off.child) },
      agentTlsOn: { firstMs: on.firstMs, hwmBytes: await hwmAfterIdle(on.child) },
    };
    // Only once every idle reading is taken, so that the command is not in them.
    const timing = { token: options.inputs.token, timeoutMs: options.startTimeoutMs, label: off.label };
    return { ...run, commandToHeartbeatMs: await timeCommandToHeartbeat(off.child, off.url, off.stub, timing) };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await Promise.all(stubs.map((stub) => stub.close()));
  }
}
