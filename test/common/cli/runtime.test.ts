/**
 * prepareRuntime changes process-wide V8 settings, so each case runs in a
 * child node process (under tsx): the same allocation of objects that survive
 * scavenges, with and without it, and the size the young generation ends at;
 * the same hot function, with and without it, and whether V8 optimized it.
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const RUNTIME = fileURLToPath(new URL('../../../common/cli/runtime.ts', import.meta.url));

/** Keeps 400,000 small objects alive (every scavenge promotes survivors) and prints new_space's size. */
const CHILD = `
const { prepareRuntime } = await import(process.argv[1]);
if (process.argv[2] === 'prepare') prepareRuntime();
const { getHeapSpaceStatistics } = await import('node:v8');
const keep = [];
for (let i = 0; i < 400_000; i++) keep.push({ i, s: 'x' + i });
console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
`;

async function youngGenerationBytes(mode: 'prepare' | 'default'): Promise<number> {
  const { stdout } = await execa(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', CHILD, RUNTIME, mode],
    { env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  );
  return Number(stdout.trim());
}

/**
 * Calls a small function until V8 would optimize it, then prints its
 * optimization status (v8 src/runtime/runtime-test.cc: bit 4 is "optimized",
 * by TurboFan or Maglev). Synchronous optimization, so the status is final.
 */
const HOT_CHILD = `
const { prepareRuntime } = await import(process.argv[1]);
if (process.argv[2] === 'prepare') prepareRuntime();
function add(a, b) { return a + b; }
function drive(n) { let sum = 0; for (let i = 0; i < n; i++) sum = add(sum, i) % 1000; return sum; }
%NeverOptimizeFunction(drive); // so that add tiers up itself, not inlined into drive's on-stack replacement
for (let k = 0; k < 2000; k++) drive(1000);
console.log(%GetOptimizationStatus(add));
`;

async function optimizedAfterHotLoop(mode: 'prepare' | 'default'): Promise<boolean> {
  const { stdout } = await execa(
    process.execPath,
    [
      '--allow-natives-syntax',
      '--no-concurrent-recompilation',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      HOT_CHILD,
      RUNTIME,
      mode,
    ],
    { env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  );
  return (Number(stdout.trim()) & (1 << 4)) !== 0;
}

describe('common/cli/runtime prepareRuntime', function () {
  this.timeout(30_000);

  it('keeps the young generation at its initial size where it would otherwise grow', async () => {
    const prepared = await youngGenerationBytes('prepare');
    const grown = await youngGenerationBytes('default');

    expect(prepared).to.be.at.most(4 * 2 ** 20);
    expect(grown).to.be.above(prepared);
  });

  it("keeps hot functions out of V8's optimizing compilers", async () => {
    expect(await optimizedAfterHotLoop('default')).to.equal(true);
    expect(await optimizedAfterHotLoop('prepare')).to.equal(false);
  });
});
