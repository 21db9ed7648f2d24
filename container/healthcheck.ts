/**
 * The image's HEALTHCHECK: `GET /v1/status` on the agent inside the same
 * container. The agent may serve plain HTTP or HTTPS with a self-signed
 * auto-TLS certificate, so HTTPS is tried first without verification, then
 * HTTP. The port and address come from the agent's own command line
 * (`/proc/1/cmdline`, PID 1 of the container is the agent), default 9999.
 *
 * Exit code 0 when the agent answers 200, 1 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** IPA's default `listen_port`. */
export const DEFAULT_AGENT_PORT = 9999;

/** Where to probe. */
export interface HealthTarget {
  host: string;
  port: number;
}

/** Addresses that mean "all interfaces": probe loopback instead. */
const WILDCARDS = new Set(['', '::', '0.0.0.0', '[::]']);

/** The value of `--name X` or `--name=X` in argv (the last one wins), or undefined. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (const [index, arg] of argv.entries()) {
    if (arg === name) value = argv[index + 1];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  }
  return value;
}

/**
 * Work out the agent's address from its argv.
 * @param agentArgv - the agent process's argv (as in /proc/1/cmdline)
 */
export function healthTarget(agentArgv: readonly string[]): HealthTarget {
  const portText = flagValue(agentArgv, '--listen-port');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : DEFAULT_AGENT_PORT;
  const hostText = flagValue(agentArgv, '--listen-host') ?? '';
  const host = WILDCARDS.has(hostText) ? '127.0.0.1' : hostText.replace(/^\[(.*)\]$/, '$1');
  return { host, port: port > 0 && port < 65536 ? port : DEFAULT_AGENT_PORT };
}

/** One GET /v1/status; resolves true on 200. */
function probeOnce(target: HealthTarget, tls: boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host: target.host, port: target.port, path: '/v1/status', timeout: timeoutMs };
    const done = (ok: boolean): void => resolve(ok);
    const req = tls
      ? httpsRequest({ ...options, rejectUnauthorized: false }, (res) => {
          res.resume();
          done(res.statusCode === 200);
        })
      : httpRequest(options, (res) => {
          res.resume();
          done(res.statusCode === 200);
        });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(false));
    req.end();
  });
}

/** True when the agent answers on HTTPS (unverified) or HTTP. */
export async function probe(target: HealthTarget, timeoutMs = 4000): Promise<boolean> {
  return (await probeOnce(target, true, timeoutMs)) || probeOnce(target, false, timeoutMs);
}

/** Read PID 1's argv; empty when unreadable. */
async function agentArgv(): Promise<string[]> {
  const raw = await readFile('/proc/1/cmdline', 'utf8').catch(() => '');
  return raw.split('\0').filter((part) => part !== '');
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  agentArgv()
    .then((argv) => probe(healthTarget(argv)))
    .then(
      (ok) => {
        process.exitCode = ok ? 0 : 1;
      },
      () => {
        process.exitCode = 1;
      },
    );
}
