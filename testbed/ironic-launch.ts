/**
 * Starting a test bed's Ironic: ports, directories and configuration files,
 * database schemas, the daemons and their readiness (see ironic.ts).
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../common/exec/runner.js';
import { startDaemon, tailFile } from './daemon.js';
import { isPortFree, pickFreePort } from './host.js';
import { renderEnvSh, renderInspectorConf, renderIronicConf } from './ironic-config.js';
import { DEFAULTS, inspectorUrl, ironicUrl, layout, type ResolvedSettings } from './ironic-settings.js';
import type { IronicSuite } from './ironic-suites.js';
import { waitUntilReady } from './readiness.js';

/** Maps a command of the suite's Ironic to the argv that runs it (on the machine, or in the suite's root). */
export type InSuite = (argv: readonly string[], dir: string) => string[];

/** Every exit code: the caller reads the code itself. */
export const ALL_EXIT_CODES = Array.from({ length: 256 }, (_, i) => i);

/**
 * Pick the Ironic port (default 6385 if free on hostIp, else a free one; 0 means
 * a free one) and check the ironic-inspector port.
 * @throws Error when an explicitly requested port is taken.
 */
export async function choosePorts(s: ResolvedSettings, requested: number | undefined): Promise<ResolvedSettings> {
  let port = requested ?? DEFAULTS.port;
  if (requested === 0 || (requested === undefined && !(await isPortFree(s.hostIp, port)))) {
    port = await pickFreePort(s.hostIp);
  } else if (!(await isPortFree(s.hostIp, port))) {
    throw new Error(
      `Port ${port} on ${s.hostIp} is in use (another test bed?): choose another port, or pass port 0 for a free one`,
    );
  }
  if (s.inspector && !(await isPortFree(s.hostIp, s.inspectorPort))) {
    throw new Error(
      `ironic-inspector port ${s.inspectorPort} on ${s.hostIp} is in use: set inspectorPort to a free port`,
    );
  }
  return { ...s, port };
}

/** Create the test bed's directories (0700) and write its configuration files (0600). */
export function prepareDirectories(s: ResolvedSettings, suite: IronicSuite): void {
  const p = layout(s.dir);
  for (const dir of [
    p.etc,
    p.policy,
    p.inspectorPolicy,
    p.log,
    p.run,
    p.state,
    p.tmp,
    p.lock,
    p.httpboot,
    p.tftpboot,
    p.deployLogs,
    p.images,
    p.ramdiskLogs,
  ]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  mkdirSync(join(p.tftpboot, 'master_images'), { recursive: true });
  // Ironic's debug log and last_error can quote agent tokens (in failed command URLs): keep the logs private.
  chmodSync(p.log, 0o700);
  writeFileSync(p.ironicConf, renderIronicConf(s, suite), { mode: 0o600 });
  writeFileSync(p.envSh, renderEnvSh(s), { mode: 0o600 });
  if (s.inspector) writeFileSync(p.inspectorConf, renderInspectorConf(s), { mode: 0o600 });
}

/**
 * Create or upgrade the databases, start ironic (and ironic-inspector) and wait
 * until the API answers and the conductor lists the fake-hardware driver.
 * @throws Error with the tail of the logs when a step fails.
 */
export async function launchIronic(runner: Runner, s: ResolvedSettings, inSuite: InSuite): Promise<void> {
  const p = layout(s.dir);
  const database = join(s.dir, 'ironic.sqlite');
  const fresh = !existsSync(database) || statSync(database).size === 0;
  // the two schemas are independent: create them side by side
  await Promise.all([
    dbsync(
      runner,
      inSuite(['ironic-dbsync', '--config-file', p.ironicConf, fresh ? 'create_schema' : 'upgrade'], s.dir),
      join(p.log, 'dbsync.log'),
    ),
    s.inspector
      ? dbsync(
          runner,
          inSuite(['ironic-inspector-dbsync', '--config-file', p.inspectorConf, 'upgrade'], s.dir),
          join(p.log, 'inspector-dbsync.log'),
        )
      : undefined,
  ]);
  // In a root, the PID stays the same from in-root.sh through unshare and chroot to
  // ironic (each execs in place), and every command line on the way names the directory.
  const ironicPid = await startDaemon({
    argv: inSuite(['ironic', '--config-file', p.ironicConf], s.dir),
    logFile: join(p.log, 'ironic.stdout'),
    pidFile: p.ironicPid,
    cwd: s.dir,
  });
  const inspectorPid = s.inspector
    ? await startDaemon({
        argv: inSuite(['ironic-inspector', '--config-file', p.inspectorConf], s.dir),
        logFile: join(p.log, 'inspector.stdout'),
        pidFile: p.inspectorPid,
        cwd: s.dir,
      })
    : undefined;
  await waitUntilReady({
    name: 'Ironic',
    pid: ironicPid,
    url: `${ironicUrl(s)}/`,
    timeoutMs: 120_000,
    logs: [join(p.log, 'ironic.stdout'), join(p.log, 'ironic.log')],
  });
  await waitUntilReady({
    name: 'Ironic conductor (fake-hardware driver)',
    pid: ironicPid,
    url: `${ironicUrl(s)}/v1/drivers`,
    timeoutMs: 60_000,
    headers: { 'X-OpenStack-Ironic-API-Version': '1.31' },
    bodyIncludes: '"fake-hardware"',
    logs: [join(p.log, 'ironic.log')],
  });
  if (inspectorPid !== undefined) {
    await waitUntilReady({
      name: 'ironic-inspector',
      pid: inspectorPid,
      url: `${inspectorUrl(s)}/`,
      timeoutMs: 120_000,
      logs: [join(p.log, 'inspector.stdout'), join(p.log, 'inspector.log')],
    });
  }
}

async function dbsync(runner: Runner, argv: string[], logFile: string): Promise<void> {
  const result = await runner.run(argv, { okExitCodes: ALL_EXIT_CODES, timeoutMs: 120_000 });
  writeFileSync(logFile, `$ ${argv.join(' ')}\n${result.stdout}${result.stderr}`, { flag: 'a', mode: 0o600 });
  if (result.exitCode !== 0) {
    throw new Error(
      `${argv.find((a) => a.endsWith('dbsync')) ?? 'dbsync'} failed with exit code ${String(result.exitCode)}; see ${logFile}:\n${tailFile(logFile, 20)}`,
    );
  }
}
