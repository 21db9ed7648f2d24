/**
 * prepareRuntime changes process-wide V8 settings, so each case runs in a
 * child node process (under tsx): the same allocation of objects that survive
 * scavenges, with and without it, and the size the young generation ends at.
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

describe('common/cli/runtime prepareRuntime', function () {
  this.timeout(30_000);

  it('keeps the young generation at its initial size where it would otherwise grow', async () => {
    const prepared = await youngGenerationBytes('prepare');
    const grown = await youngGenerationBytes('default');

    expect(prepared).to.be.at.most(4 * 2 ** 20);
    expect(grown).to.be.above(prepared);
  });
});
