/**
 * Spawn to first lookup of two or more builds of the agent, interleaved, for
 * before/after comparisons on a loaded machine (bench/README.md, "Before the
 * first lookup"):
 *
 *   node --import tsx bench/boot-ab.ts [--rounds 20] [--compile-cache] [--find-route] <checkout> [<checkout> ...]
 *
 * Each checkout must be built (`npm run build`). Every round starts the bare
 * node:http server (the agent benchmark's baseline), then each checkout's
 * `bin/ironic-coreos-agent` against its own stub Ironic with auto-TLS off,
 * the order of the checkouts reversed every other round, so that load from
 * other work hits every build alike. Per process it records the wall time until
 * the first 200 (bare) or the first `GET /v1/lookup` (agent), and the CPU time
 * (user + system, with waited-for children) read from /proc at that moment,
 * which the machine's load does not inflate. One untimed round comes first.
 *
 * With `--compile-cache` (Node 22.1+) each checkout starts twice per round:
 * with an empty compile cache (NODE_COMPILE_CACHE, a new directory each
 * start, as in a new container) and with the cache its
 * scripts/warm-compile-cache.mjs made once, as the image's build does.
 *
 * With `--find-route` the agents run without `--advertise-host`, a node's
 * default: before the lookup each probes the stub's `GET /` and finds its
 * route to it (bench/README.md, "The route to Ironic without a command").
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startIronicStub } from './lib/ironic-stub.js';
import { startServer } from './lib/measure.js';
import { benchEnv, ProcessGroup } from './lib/process.js';
import { freePort } from './lib/proc-status.js';
import { median } from './lib/stats.js';
import { bareServerTarget, checkoutAgentInputs, ironicAgentTarget, type AgentInputs } from './lib/targets.js';

/** Milliseconds per clock tick in /proc/<pid>/stat (USER_HZ is 100 on Linux). */
const MS_PER_TICK = 10;

/** One process's start: wall time to its first answer or lookup, and its CPU time by then, in ms. */
interface Start {
  wallMs: number;
  cpuMs: number;
}

/** utime + stime + cutime + cstime of `pid` in ms (fields 14-17 of /proc/<pid>/stat). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * MS_PER_TICK;
}

/** Start the bare server once and stop it. */
async function bareStart(group: ProcessGroup, scratch: string): Promise<Start> {
  const { child, readyAt } = await startServer(bareServerTarget(process.execPath), group, scratch, 30_000);
  const start = { wallMs: readyAt - child.spawnedAt, cpuMs: await cpuMs(child.pid) };
  await child.stop();
  return start;
}

/** One way to start a checkout's agent: its label in the report, and the processes it starts. */
interface Variant {
  label: string;
  checkout: string;
  group: ProcessGroup;
  /** Empties its compile cache before each start. */
  reset?: () => Promise<void>;
}

/** The checkouts as they are, or each with an empty and a warmed compile cache (`--compile-cache`). */
function variants(checkouts: readonly string[], compileCache: boolean, work: string): Variant[] {
  if (!compileCache) return checkouts.map((checkout) => ({ label: checkout, checkout, group: new ProcessGroup() }));
  return checkouts.flatMap((checkout, index) => {
    const warmed = join(work, `warmed-${index}`);
    const empty = join(work, `empty-${index}`);
    execFileSync(process.execPath, [
      join(checkout, 'scripts', 'warm-compile-cache.mjs'),
      join(checkout, 'dist', 'bundle'),
      warmed,
    ]);
    const withCache = (dir: string): ProcessGroup => new ProcessGroup({ ...benchEnv(), NODE_COMPILE_CACHE: dir });
    return [
      {
        label: `${checkout} (empty compile cache)`,
        checkout,
        group: withCache(empty),
        reset: () => rm(empty, { recursive: true, force: true }),
      },
      { label: `${checkout} (warmed compile cache)`, checkout, group: withCache(warmed) },
    ];
  });
}

/** Start one checkout's agent against a fresh stub until its first lookup, then stop both. */
async function agentStart(
  group: ProcessGroup,
  inputs: AgentInputs,
  scratch: string,
  findRoute: boolean,
): Promise<Start> {
  const stub = await startIronicStub(inputs.token);
  try {
    const target = ironicAgentTarget(process.execPath, inputs, { apiUrl: stub.url, autoTls: false, findRoute });
    const child = group.start(target.argv(await freePort(), scratch));
    const exited = child.exited.then(() => Promise.reject(new Error(`${inputs.bin} exited before its lookup`)));
    const at = await Promise.race([stub.firstLookup, exited]);
    const start = { wallMs: at - child.spawnedAt, cpuMs: await cpuMs(child.pid) };
    await child.stop();
    return start;
  } finally {
    await stub.close();
  }
}

/** One line per build: medians, and ratios to the bare server's medians. */
function report(bare: Start[], builds: Map<string, Start[]>): string {
  const wall = median(bare.map((s) => s.wallMs));
  const cpu = median(bare.map((s) => s.cpuMs));
  const lines = [`node:http server: ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU`];
  for (const [checkout, starts] of builds) {
    const w = median(starts.map((s) => s.wallMs));
    const c = median(starts.map((s) => s.cpuMs));
    lines.push(
      `${checkout}: ${w.toFixed(0)} ms wall (${(w / wall).toFixed(2)}x), ${c.toFixed(0)} ms CPU (${(c / cpu).toFixed(2)}x)`,
    );
  }
  return lines.join('\n');
}

/** Run the rounds and print the medians. */
async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { rounds: { type: 'string' }, 'compile-cache': { type: 'boolean' }, 'find-route': { type: 'boolean' } },
    allowPositionals: true,
  });
  const rounds = Number(values.rounds ?? '20');
  if (!Number.isInteger(rounds) || rounds < 1 || positionals.length === 0)
    throw new Error(
      'usage: node --import tsx bench/boot-ab.ts [--rounds N] [--compile-cache] [--find-route] <checkout> [<checkout> ...]',
    );
  const checkouts = positionals.map((p) => resolve(p));
  const work = await mkdtemp(join(tmpdir(), 'bench-boot-ab-'));
  const group = new ProcessGroup();
  let runs: Variant[] = [];
  try {
    const inputs = await checkoutAgentInputs(work);
    runs = variants(checkouts, values['compile-cache'] === true, work);
    const bare: Start[] = [];
    const builds = new Map(runs.map((v) => [v.label, [] as Start[]]));
    const loadBefore = loadavg()[0] ?? 0;
    for (let round = 0; round <= rounds; round += 1) {
      process.stderr.write(round === 0 ? 'warm-up round (not counted)\n' : `round ${round}/${rounds}\n`);
      const b = await bareStart(group, await mkdtemp(join(work, 'start-')));
      if (round > 0) bare.push(b);
      for (const variant of round % 2 === 0 ? [...runs].reverse() : runs) {
        await variant.reset?.();
        const scratch = await mkdtemp(join(work, 'start-'));
        const a = await agentStart(variant.group, inputs(variant.checkout), scratch, values['find-route'] === true);
        if (round > 0) builds.get(variant.label)?.push(a);
      }
    }
    const load = `load average ${loadBefore.toFixed(2)} before / ${(loadavg()[0] ?? 0).toFixed(2)} after`;
    process.stdout.write(`node ${process.version}, ${rounds} rounds, medians, ${load}\n${report(bare, builds)}\n`);
  } finally {
    await group.stopAll();
    for (const variant of runs) await variant.group.stopAll();
    await rm(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
