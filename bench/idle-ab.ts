/**
 * Idle peak memory of two or more builds of the agent, side by side, for
 * before/after comparisons (bench/README.md, "Before the first lookup"):
 *
 *   node --import tsx bench/idle-ab.ts [--rounds 3] [--idle-ms 15000] <checkout> [<checkout> ...]
 *
 * Each checkout must be built (`npm run build`). Every round starts the bare
 * node:http server (the agent benchmark's baseline), then each checkout's
 * `bin/ironic-coreos-agent` against its own stub Ironic, with auto-TLS off and
 * then on, the order of the checkouts reversed every other round; each start
 * waits for the agent's first lookup. All of them then run side by side, and
 * each one's `VmHWM` is read `--idle-ms` after its own spawn, as the agent
 * benchmark's idle rows do. Peak memory hardly depends on the machine's load,
 * so a few rounds are enough.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startIronicStub } from './lib/ironic-stub.js';
import { startServer } from './lib/measure.js';
import { ProcessGroup, type BenchProcess } from './lib/process.js';
import { freePort, readVmHwm } from './lib/proc-status.js';
import { median } from './lib/stats.js';
import { bareServerTarget, checkoutAgentInputs, ironicAgentTarget, type AgentInputs } from './lib/targets.js';

const MIB = 1024 * 1024;

/** Peak memory samples (MiB) per row: `node:http server`, or `<checkout>, auto-TLS off|on`. */
type Samples = Map<string, number[]>;

/** The peak memory of `child` once it has run `idleMs` since its spawn, in MiB. */
async function hwmAfter(child: BenchProcess, idleMs: number): Promise<number> {
  await sleep(Math.max(0, child.spawnedAt + idleMs - performance.now()));
  return (await readVmHwm(child.pid)) / MIB;
}

/** One round: start everything, read every peak, stop everything. */
async function round(
  group: ProcessGroup,
  checkouts: string[],
  inputs: (c: string) => AgentInputs,
  options: {
    work: string;
    idleMs: number;
    samples: Samples;
  },
): Promise<void> {
  const stubs: { close(): Promise<void> }[] = [];
  const started: { row: string; child: BenchProcess }[] = [];
  try {
    const bare = await startServer(
      bareServerTarget(process.execPath),
      group,
      await mkdtemp(join(options.work, 's-')),
      30_000,
    );
    started.push({ row: 'node:http server', child: bare.child });
    for (const autoTls of [false, true]) {
      for (const checkout of checkouts) {
        const stub = await startIronicStub(inputs(checkout).token);
        stubs.push(stub);
        const target = ironicAgentTarget(process.execPath, inputs(checkout), { apiUrl: stub.url, autoTls });
        const child = group.start(target.argv(await freePort(), await mkdtemp(join(options.work, 's-'))));
        started.push({ row: `${checkout}, ${target.label.replace(/^agent, /, '')}`, child });
        const exited = child.exited.then(() => Promise.reject(new Error(`${checkout} exited before its lookup`)));
        await Promise.race([stub.firstLookup, exited]);
      }
    }
    for (const { row, child } of started) {
      const hwm = await hwmAfter(child, options.idleMs);
      options.samples.set(row, [...(options.samples.get(row) ?? []), hwm]);
    }
  } finally {
    await Promise.all(started.map(({ child }) => child.stop()));
    await Promise.all(stubs.map((stub) => stub.close()));
  }
}

/** One line per row: median (min-max) and the ratio to the bare server's median. */
function report(samples: Samples): string {
  const bare = median(samples.get('node:http server') ?? []);
  return [...samples]
    .map(([row, mib]) => {
      const m = median(mib);
      const range = `${Math.min(...mib).toFixed(1)}-${Math.max(...mib).toFixed(1)}`;
      return `${row}: VmHWM ${m.toFixed(1)} MiB (${range}), ${(m / bare).toFixed(2)}x`;
    })
    .join('\n');
}

/** Run the rounds and print the medians. */
async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { rounds: { type: 'string' }, 'idle-ms': { type: 'string' } },
    allowPositionals: true,
  });
  const rounds = Number(values.rounds ?? '3');
  const idleMs = Number(values['idle-ms'] ?? '15000');
  if (!Number.isInteger(rounds) || rounds < 1 || !(idleMs >= 0) || positionals.length === 0)
    throw new Error(
      'usage: node --import tsx bench/idle-ab.ts [--rounds N] [--idle-ms MS] <checkout> [<checkout> ...]',
    );
  const checkouts = positionals.map((p) => resolve(p));
  const work = await mkdtemp(join(tmpdir(), 'bench-idle-ab-'));
  const group = new ProcessGroup();
  try {
    const inputs = await checkoutAgentInputs(work);
    const samples: Samples = new Map();
    const loadBefore = loadavg()[0] ?? 0;
    for (let r = 1; r <= rounds; r += 1) {
      process.stderr.write(`round ${r}/${rounds}\n`);
      const order = r % 2 === 0 ? [...checkouts].reverse() : checkouts;
      await round(group, order, inputs, { work, idleMs, samples });
    }
    const load = `load average ${loadBefore.toFixed(2)} before / ${(loadavg()[0] ?? 0).toFixed(2)} after`;
    process.stdout.write(
      `node ${process.version}, ${rounds} rounds, ${idleMs} ms idle, medians, ${load}\n${report(samples)}\n`,
    );
  } finally {
    await group.stopAll();
    await rm(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
