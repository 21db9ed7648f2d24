/**
 * A real AgentCore (lifecycle/core.ts buildCore) over fakes, for the mode
 * tests: fake managers, a FakeRunner, a memory logger and a temporary state
 * directory. Two cores built on the same state directory and boot id behave
 * like two agent processes of one boot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import type { AgentConfig } from '../../common/agent-config/types.js';
import { defaultConfig } from '../../agent/config/load.js';
import type { HardwareManager } from '../../agent/hardware/types.js';
import { buildCore, type AgentCore } from '../../agent/lifecycle/core.js';
import { MemoryTransport } from '../../agent/logger.js';
import { NodeFs } from '../../common/fs/node-fs.js';
import { FakeClock } from './fake-clock.js';
import { bootStateStore } from './boot-state.js';
import { fakeManager } from './fake-managers.js';
import { FakeRunner } from './fake-runner.js';
import { fakeInventory } from './inventory-fixtures.js';
import { createTestLogger } from './logger.js';

/** The boot id every test core runs in. */
export const TEST_BOOT_ID = '8d8e3d1c-4a4e-4b0b-9a57-3f0c1f1e2d3c';

/** Options of {@link buildTestCore}. */
export interface TestCoreOptions {
  /** Over defaultConfig(), with the API on 127.0.0.1, an ephemeral port and the state dir set. */
  config?: Partial<AgentConfig>;
  /** Default: one manager whose inventory is fakeInventory(). */
  managers?: HardwareManager[];
  /** Default: a FakeRunner that expects nothing. */
  runner?: FakeRunner;
  /** Default: a new temporary directory (see {@link TestCore.cleanup}). */
  stateDir?: string;
}

/** A built core with what the test needs to look at. */
export interface TestCore {
  core: AgentCore;
  memory: MemoryTransport;
  runner: FakeRunner;
  stateDir: string;
  /** Remove the state directory. */
  cleanup(): void;
}

/** Build a core the way main.ts does, over fakes. */
export async function buildTestCore(options: TestCoreOptions = {}): Promise<TestCore> {
  const { logger, memory } = createTestLogger();
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'ica-core-'));
  const runner = options.runner ?? new FakeRunner();
  const config: AgentConfig = {
    ...defaultConfig(),
    listenHost: '127.0.0.1',
    listenPort: 0,
    stateDir,
    ...options.config,
  };
  const core = await buildCore({
    config,
    logger,
    runner,
    fs: new NodeFs(),
    clock: new FakeClock(),
    version: '0.1.0',
    stateStore: bootStateStore(stateDir, TEST_BOOT_ID),
    agentLog: new MemoryTransport(),
    managers: options.managers ?? [fakeManager({ methods: { listHardwareInfo: async () => fakeInventory() } })],
  });
  return { core, memory, runner, stateDir, cleanup: () => rmSync(stateDir, { recursive: true, force: true }) };
}

/** The port the mode's API listens on, read from its "listening" log entry. */
export function listeningPort(memory: MemoryTransport): number {
  const entry = memory.entries.find((e) => String(e['message']).startsWith('Agent API listening'));
  return Number(String(entry?.['listen']).split(':').at(-1));
}

/**
 * `GET /v1/status` on the mode's API over a new connection: the HTTP status,
 * or the connection error code (ECONNREFUSED once the API is closed).
 */
export async function apiStatus(memory: MemoryTransport): Promise<number | string> {
  try {
    const url = `http://127.0.0.1:${listeningPort(memory)}/v1/status`;
    return (await axios.get(url, { httpAgent: new Agent({ keepAlive: false }) })).status;
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}
