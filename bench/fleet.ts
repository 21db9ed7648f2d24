/**
 * `npm run bench:fleet`: N nodes deployed at once through one Ironic (issue 12).
 *
 *   node --import tsx bench/fleet.ts [--nodes 25] [--suite bookworm|trixie|forky] [--timeout-s 900]
 *     [--ironic-nice -10] [--json] [--keep-dir]
 *
 * Starts a test bed Ironic (fake power, custom-agent), sets up N confined nodes
 * with one loop disk and one test host root each (testbed/fleet-deploy.ts),
 * deploys them all at once with the `install_coreos` step, one agent process
 * per node, and reports the batch time, the per-node deploy time and where it
 * goes (bench/lib/fleet-report.ts), with the CPU Ironic and the rest used.
 * All of it shares this one machine, where in production Ironic has its own
 * host and each agent its own node: Ironic gets the CPU weight of nice -10
 * (its process and its session's autogroup, see testbed/cpu-usage.ts) so that
 * 25 agent sessions do not starve it; `--ironic-nice 0` measures without.
 * Tables go to stdout, progress to stderr; `--json` prints the raw timelines.
 * Needs root and the test bed's Debian packages; tears everything down, also
 * on failure and on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { testbedAddresses } from '../testbed/addresses.js';
import { readPid } from '../testbed/daemon.js';
import { Fleet } from '../testbed/fleet-deploy.js';
import { testbedUnavailableReason } from '../testbed/host.js';
import { layout } from '../testbed/ironic-settings.js';
import { parseSuites } from '../testbed/ironic-suites.js';
import { IronicTestbed } from '../testbed/ironic.js';
import { machineBusySeconds, prioritise, processGroupSeconds } from '../testbed/cpu-usage.js';
import { renderFleetReport, summarise } from './lib/fleet-report.js';

const USAGE = `usage: node --import tsx bench/fleet.ts [options]   (root; npm run bench:fleet builds first)
  --nodes N        nodes deployed at once (default 25, at most 190)
  --suite NAME     the Ironic release: bookworm (default, the machine's), trixie or forky
  --timeout-s N    give up waiting for the nodes after N s (default 900)
  --json           print the raw per-node timelines and the summary as JSON
  --keep-dir       keep the work directory (ironic.log, every agent's log) and print its path
  --ironic-nice N  Ironic's CPU weight against the 25 agents on this one machine, as nice and autogroup
                   nice (default -10: on real hardware the agents run on their own nodes; 0 leaves it)
`;

const TAG = 'flt';

/** Parsed command line. */
interface Options {
  nodes: number;
  suite: ReturnType<typeof parseSuites>[number];
  timeoutMs: number;
  json: boolean;
  keepDir: boolean;
  ironicNice: number;
}

function parse(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '25' },
      suite: { type: 'string', default: 'bookworm' },
      'timeout-s': { type: 'string', default: '900' },
      json: { type: 'boolean', default: false },
      'keep-dir': { type: 'boolean', default: false },
      'ironic-nice': { type: 'string', default: '-10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const whole = (name: string, text: string, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  const suites = parseSuites(values.suite);
  if (suites.length !== 1 || suites[0] === undefined) throw new Error('--suite names one Ironic release');
  return {
    nodes: whole('nodes', values.nodes, 190),
    suite: suites[0],
    timeoutMs: whole('timeout-s', values['timeout-s'], 86_400) * 1000,
    json: values.json,
    keepDir: values['keep-dir'],
    ironicNice: niceValue(values['ironic-nice']),
  };
}

/** A nice value from -20 to 19. */
function niceValue(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < -20 || n > 19) throw new Error('--ironic-nice must be a whole number from -20 to 19');
  return n;
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const unavailable = testbedUnavailableReason(false, options.suite);
  if (unavailable !== undefined) {
    process.stderr.write(`bench:fleet cannot run here: ${unavailable}\n`);
    return 1;
  }
  const say = (line: string): void => void process.stderr.write(`[fleet] ${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  const testbed = new IronicTestbed({ tag: TAG, suite: options.suite });
  let fleet: Fleet | undefined;
  // One teardown, however often asked for: Ctrl-C and the main flow's `finally` must not unmount and remove at once.
  let tornDown: Promise<void> | undefined;
  const teardown = (): Promise<void> =>
    (tornDown ??= (async (): Promise<void> => {
      await fleet?.destroy().catch((e: unknown) => say(`fleet teardown: ${String(e)}`));
      await testbed.stop().catch((e: unknown) => say(`Ironic stop: ${String(e)}`));
      if (options.keepDir) say(`kept ${dir} (Ironic's log in ironic/log/, agents' in <node>/node/agent.log)`);
      else
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch (error) {
          say(`could not remove ${dir}: ${String(error)}`);
        }
    })());
  // During the set-up nothing is the fleet's yet: let it finish (or fail), then the `finally` below tears down.
  // The listeners stay registered (`on`, not `once`): execa's signal-exit kills the process at a signal that
  // no other listener handles, which would skip the teardown.
  let interruptedInSetUp = false;
  let interrupts = 0;
  const interrupted = (): void => {
    interrupts += 1;
    if (interrupts > 1) return say('still tearing down');
    say('interrupted: tearing down');
    if (fleet === undefined) interruptedInSetUp = true;
    else void teardown().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    const { hostIp } = testbedAddresses(TAG, 0, process.pid);
    await testbed.start({ dir: join(dir, 'ironic'), hostIp, automatedClean: false, port: 0 });
    say(`Ironic ${testbed.ironicVersion} (${options.suite}) at ${testbed.url}; setting up ${options.nodes} nodes`);
    if (interruptedInSetUp) return 130;
    fleet = await Fleet.create({ testbed, size: options.nodes, tag: TAG, dir, progress: say });
    if (interruptedInSetUp) return 130;
    const ironicPid = readPid(layout(testbed.settings.dir).ironicPid) ?? 0;
    const priority = options.ironicNice === 0 ? 'unchanged' : prioritise(ironicPid, options.ironicNice);
    say(`Ironic's CPU weight: ${priority}`);
    const load = loadavg()[0] ?? 0;
    const [busy, ironicCpu, wall] = [machineBusySeconds(), processGroupSeconds(ironicPid), Date.now()];
    const run = await fleet.deploy(options.timeoutMs);
    const [busyAfter, ironicCpuAfter, wallAfter] = [machineBusySeconds(), processGroupSeconds(ironicPid), Date.now()];
    const report = summarise(run);
    const cpu = {
      machineBusySeconds: busyAfter - busy,
      ironicSeconds: ironicCpuAfter - ironicCpu,
      /** The span the CPU times cover: the batch plus collecting its results. */
      wallSeconds: (wallAfter - wall) / 1000,
      agentsSeconds: run.nodes.reduce((sum, n) => sum + n.agentCpuSeconds, 0),
    };
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ suite: options.suite, ironic: testbed.ironicVersion, ironicWeight: priority, report, cpu, run }, null, 2)}\n`,
      );
    } else {
      const cores = availableParallelism();
      const rest = cpu.machineBusySeconds - cpu.ironicSeconds - cpu.agentsSeconds;
      const context = [
        `${new Date().toISOString()}, Ironic ${testbed.ironicVersion} (${options.suite}) with CPU weight ${priority},` +
          ` ${options.nodes} nodes, load average before ${load.toFixed(2)}`,
        `CPU during the batch (${cpu.wallSeconds.toFixed(1)} s × ${cores} cores = ${(cpu.wallSeconds * cores).toFixed(1)} s):` +
          ` ${cpu.machineBusySeconds.toFixed(1)} s busy; Ironic ${cpu.ironicSeconds.toFixed(1)} s,` +
          ` the agents with the installer double ${cpu.agentsSeconds.toFixed(1)} s,` +
          ` the rest (the bench, anything else on the machine) ${rest.toFixed(1)} s`,
      ];
      process.stdout.write(`${renderFleetReport(report, context)}\n`);
    }
    for (const node of run.nodes.filter((n) => n.finalState !== 'active'))
      say(
        `${node.name} ended in "${node.finalState}": ${node.lastError ?? 'no last_error'}` +
          (node.agentError === undefined ? '' : `; its agent did not start: ${node.agentError}`),
      );
    return report.active === report.nodes ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await teardown();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:fleet failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
