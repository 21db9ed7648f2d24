/**
 * Process-wide settings for a run of the CLI, made once by whatever starts it
 * (bin/ironic-coreos-agent, or the container image running dist/bundle/cli.mjs
 * directly) before any command loads its modules. Never called by tests or by
 * code that imports the CLI as a library.
 */
import * as nodeModule from 'node:module';
import { setFlagsFromString } from 'node:v8';

/**
 * V8's young generation starts at 1 MiB per semi-space and doubles, up to
 * 16 MiB on 64-bit, whenever many objects survive a scavenge, as they do while
 * the agent's modules load; the grown space then stays resident. Keeping it at
 * its initial size costs more frequent scavenges (each well under a
 * millisecond at this size) and saves 2-4 MiB of the idle agent's peak memory
 * (bench/README.md, "Start and memory"). The old generation and its limit are
 * untouched, so no load runs out of memory sooner. V8 reads this flag each time
 * it would grow the space (v8 src/heap/heap.cc), so it takes effect at run
 * time; `--max-semi-space-size`, read only when the heap is created, would
 * have to be on node's command line.
 */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/**
 * V8 runs the agent's JavaScript in its interpreter and its baseline compiler
 * (Sparkplug) only, never in its optimizing compilers (TurboFan; Maglev on
 * Node 22). The first function that gets hot enough while the agent starts
 * (node's own path normalisation did) brings TurboFan's code into memory:
 * about 3.5 MiB of node's binary made resident for the process' life, plus the
 * compiler's working memory, in an agent that otherwise sits idle. Its work is
 * processes, I/O and node's C++ built-ins (JSON, zlib, crypto), which the flag
 * does not touch; `GET /v1/commands/` kept its median and lost its slow tail,
 * which TurboFan's compile jobs competing for two cores had made (bench/README.md,
 * "Before the first lookup"). The tiers are those of `max_opt` in v8's
 * src/flags/flag-definitions.h (0 interpreter, 1 Sparkplug, 2 Maglev, 3
 * TurboFan); V8 checks it whenever a function would tier up, so it takes effect
 * when set at start-up (test/common/cli/runtime.test.ts).
 */
export const OPTIMIZING_TIERS_FLAG = '--max-opt=1';

/** `module.enableCompileCache` where node has it (22.1+); typed here because @types/node 20 lacks it. */
interface CompileCacheModule {
  enableCompileCache?: () => unknown;
}

/**
 * Apply the settings. Node 22.1+ also keeps the compiled code of every module
 * loaded from here on in its compile cache and reuses it at the next start
 * (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off; a cache directory that cannot be
 * written only disables it). On node 20 there is no compile cache.
 */
export function prepareRuntime(): void {
  setFlagsFromString(YOUNG_GENERATION_FLAG);
  setFlagsFromString(OPTIMIZING_TIERS_FLAG);
  (nodeModule as CompileCacheModule).enableCompileCache?.();
}
