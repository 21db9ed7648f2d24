/**
 * What the agent benchmark starts: the agent itself, and the bare-Node
 * baselines it is compared with (`node -e ''`, a minimal node:http server).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The JSON body both servers answer `GET /v1/commands/` with (the agent has run no command). */
export const COMMANDS_BODY = '{"commands":[]}';

/**
 * The bare baseline server: plain node:http, no framework, answering every
 * request with {@link COMMANDS_BODY}. Run as `node -e SOURCE <port>`.
 */
export const BARE_SERVER_SOURCE = [
  "const http = require('node:http');",
  `const body = ${JSON.stringify(COMMANDS_BODY)};`,
  'http.createServer((req, res) => {',
  "  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });",
  '  res.end(body);',
  "}).listen(Number(process.argv[1]), '127.0.0.1');",
].join('\n');

/** A server the benchmark can start on a given port. */
export interface ServerTarget {
  /** Name in the report. */
  readonly label: string;
  /**
   * The command line (argv[0] is the node binary itself, so the spawned pid
   * is the process whose memory is read).
   * @param scratch - a fresh empty directory for this start only
   */
  argv(port: number, scratch: string): string[];
}

/** `node -e ''`: node's own start-up and exit, nothing loaded. */
export function nodeExitArgv(node: string): string[] {
  return [node, '-e', ''];
}

/** The bare node:http server baseline. */
export function bareServerTarget(node: string): ServerTarget {
  return { label: 'node:http server', argv: (port) => [node, '-e', BARE_SERVER_SOURCE, String(port)] };
}

/** Fixed inputs of the agent's command line. */
export interface AgentInputs {
  /** Path of `bin/ironic-coreos-agent`. */
  bin: string;
  /** An empty directory for `--config-dir`. */
  configDir: string;
  /** An empty file for `--cmdline-path`. */
  cmdlinePath: string;
  /** The agent token (32+ characters). Never printed. */
  token: string;
}

/**
 * The agent in standalone mode with plain HTTP on loopback, no config, an
 * empty kernel command line, no usable disks and its own state directory per
 * start (so every start is a first start).
 */
export function agentTarget(node: string, inputs: AgentInputs): ServerTarget {
  return {
    label: 'agent',
    argv: (port, scratch) => [
      node,
      inputs.bin,
      'agent',
      '--standalone',
      '--agent-token',
      inputs.token,
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--config-dir',
      inputs.configDir,
      '--cmdline-path',
      inputs.cmdlinePath,
      '--state-dir',
      `${scratch}/state`,
      '--device-allowlist',
      '/dev/nonexistent*',
      '--no-enable-auto-tls',
    ],
  };
}

/** How the agent of the lookup and idle rows runs: against an Ironic, with or without auto-TLS. */
export interface IronicAgentMode {
  /** The stub Ironic's URL, for `--api-url`. */
  apiUrl: string;
  /** `--enable-auto-tls` (a self-signed certificate after version discovery) or `--no-enable-auto-tls`. */
  autoTls: boolean;
  /**
   * Leave `--advertise-host` out, as a node's default configuration does: the
   * agent probes the API URL and finds its route to it before the lookup.
   * Default false (advertise 127.0.0.1).
   */
  findRoute?: boolean;
}

/**
 * The agent as it boots on a node: not standalone, so it discovers Ironic's
 * version, looks itself up and heartbeats (same inputs as {@link agentTarget},
 * advertising 127.0.0.1 unless `findRoute`).
 */
export function ironicAgentTarget(node: string, inputs: AgentInputs, mode: IronicAgentMode): ServerTarget {
  return {
    label: `agent, auto-TLS ${mode.autoTls ? 'on' : 'off'}`,
    argv: (port, scratch) => [
      node,
      inputs.bin,
      'agent',
      '--api-url',
      mode.apiUrl,
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      ...(mode.findRoute === true ? [] : ['--advertise-host', '127.0.0.1']),
      '--config-dir',
      inputs.configDir,
      '--cmdline-path',
      inputs.cmdlinePath,
      '--state-dir',
      `${scratch}/state`,
      '--device-allowlist',
      '/dev/nonexistent*',
      '--disk-wait-attempts',
      '0',
      mode.autoTls ? '--enable-auto-tls' : '--no-enable-auto-tls',
    ],
  };
}

/**
 * For the A/B benches (boot-ab, idle-ab): an empty config directory and kernel
 * command line under `work`, and the inputs of the agent of a built `checkout`.
 */
export async function checkoutAgentInputs(work: string): Promise<(checkout: string) => AgentInputs> {
  await mkdir(join(work, 'config'));
  await writeFile(join(work, 'cmdline'), '');
  return (checkout) => ({
    bin: join(checkout, 'bin', 'ironic-coreos-agent'),
    configDir: join(work, 'config'),
    cmdlinePath: join(work, 'cmdline'),
    token: 'b'.repeat(40),
  });
}
