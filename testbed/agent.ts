/**
 * Start the agent under test (the built `bin/ironic-coreos-agent agent`) inside
 * a test node's confinement, pointed at the test bed's Ironic, and talk to its API.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { TestNode } from './node.js';
import type { SpawnedProcess } from './spawned.js';

/** The project's executable (run `npm run build` first). */
export const AGENT_BIN = fileURLToPath(new URL('../bin/ironic-coreos-agent', import.meta.url));

/** Options of {@link startAgent}. */
export interface StartAgentOptions {
  /**
   * Ironic API URL (IronicTestbed.url), passed as --api-url. null: no flag, the
   * agent takes api_url from its config dir or kernel command line, if any.
   */
  apiUrl: string | null;
  /** The kernel command line the agent reads. Default `BOOTIF=01-<mac>`, as a PXE boot gives. */
  cmdline?: string;
  /** Directory for the agent's config dir, cmdline file and state dir; reuse it to restart "in the same boot". */
  dir: string;
  /** The agent's /mnt/coreos. Default: a fresh empty directory under `dir`. */
  rootMount?: string;
  /** Extra agent flags. */
  extraArgs?: readonly string[];
  /** Log file name (without .log). Default `agent`. */
  logName?: string;
}

/** A running agent on a test node. */
export interface RunningTestAgent {
  process: SpawnedProcess;
  /** `http(s)://<nodeIp>:9999` as the agent advertises it depends on TLS; this is the base without protocol. */
  address: string;
  stateDir: string;
}

/** Start the agent in the node's confinement with only the node's loop disks allowlisted. */
export async function startAgent(node: TestNode, options: StartAgentOptions): Promise<RunningTestAgent> {
  const configDir = join(options.dir, 'etc');
  const stateDir = join(options.dir, 'state');
  const rootMount = options.rootMount ?? join(options.dir, 'root');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(rootMount, { recursive: true });
  const cmdline = join(options.dir, 'cmdline');
  writeFileSync(cmdline, `${options.cmdline ?? `BOOTIF=01-${node.mac.replaceAll(':', '-')}`}\n`);
  const allowlist = node.disks.map((d) => d.device).join(',');
  const argv = [
    process.execPath,
    AGENT_BIN,
    'agent',
    ...(options.apiUrl === null ? [] : ['--api-url', options.apiUrl]),
    '--config-dir',
    configDir,
    '--cmdline-path',
    cmdline,
    '--state-dir',
    stateDir,
    '--root-mount',
    rootMount,
    '--device-allowlist',
    allowlist,
    '--listen-host',
    '0.0.0.0',
    '--advertise-host',
    node.nodeIp,
    '--network-interface',
    'eth0',
    '--lookup-interval',
    '1',
    '--debug',
    ...(options.extraArgs ?? []),
  ];
  const spawned = await node.spawnAgent(argv, { hostRoot: rootMount, logName: options.logName ?? 'agent' });
  return { process: spawned, address: `${node.nodeIp}:9999`, stateDir };
}

/** GET a path of the agent's API (accepting its self-signed certificate). */
export function agentGet(baseUrl: string, path: string): Promise<{ status: number; body: unknown }> {
  const url = new URL(path, baseUrl);
  const requester = url.protocol === 'https:' ? request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requester(
      url,
      url.protocol === 'https:' ? { agent: new Agent({ rejectUnauthorized: false }) } : {},
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`timeout GET ${url.href}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Wait until `check` returns a value (not undefined), polling every `intervalMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Write a file with the agent's config (INI) into its config dir. */
export function writeAgentConf(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc', name), text);
}
