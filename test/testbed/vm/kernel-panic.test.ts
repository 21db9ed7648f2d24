import { expect } from 'chai';
import { PANIC_LINE, PanicWatch, panicKind, type PanicKind } from '../../../testbed/vm/kernel-panic.js';
import { TextStream } from '../../../testbed/vm/text-stream.js';

/** The end of a real oops under qemu's multi-threaded TCG (a CI run's console, Debian 7.2.12-1 cloud kernel). */
const OOPS = [
  '[    1.297326] Oops: int3: 0000 [#1] SMP NOPTI',
  '[    1.299067] RIP: 0010:set_next_task_fair+0x6ed/0x7f0',
  '[    1.905221] Kernel panic - not syncing: Fatal exception in interrupt',
  '[    3.608551] Shutting down cpus with NMI',
  '[    3.638590] ---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---',
  '',
].join('\n');
const NO_INIT = '[    2.1] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel.\n';

interface Recorded {
  resets: number;
  stopped: string[];
  notes: string[];
}

function watched(resets: number): { stream: TextStream; watch: PanicWatch; done: Promise<void>; seen: Recorded } {
  const stream = new TextStream('serial console');
  const seen: Recorded = { resets: 0, stopped: [], notes: [] };
  const watch = new PanicWatch(stream, resets, {
    reset: () => {
      seen.resets += 1;
      return Promise.resolve();
    },
    stop: (reason) => {
      seen.stopped.push(reason);
      stream.end(reason);
    },
    note: (message) => seen.notes.push(message),
  });
  return { stream, watch, done: watch.run(), seen };
}

/** Lets the watch's awaits run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('testbed/vm/kernel-panic', () => {
  const kinds: Array<[string, PanicKind]> = [
    ['Fatal exception in interrupt', 'oops'],
    ['Fatal exception', 'oops'],
    ['Fatalnterrupt', 'oops'], // characters the console dropped under load, as seen
    ['No working init found.  Try passing init= option to kernel.', 'other'],
    ['VFS: Unable to mount root fs on unknown-block(0,0)', 'other'],
    ['Attempted to kill init! exitcode=0x00000100', 'other'],
    ['sysrq triggered crash', 'other'],
  ];
  for (const [reason, kind] of kinds)
    it(`panicKind(${JSON.stringify(reason)}) is ${kind}`, () => expect(panicKind(reason)).to.equal(kind));

  it('PANIC_LINE takes the reason of the first line only, once per panic', () => {
    const all = [...OOPS.matchAll(new RegExp(PANIC_LINE.source, 'g'))].map((m) => m[1]);
    expect(all).to.deep.equal(['Fatal exception in interrupt']);
  });

  it('resets after an oops, and tells why', async () => {
    const { stream, seen, watch } = watched(2);
    stream.push(Buffer.from(`booting\n${OOPS}`));
    await settle();

    expect(seen.resets).to.equal(1);
    expect(seen.stopped).to.deep.equal([]);
    expect(watch.panics).to.deep.equal(['Fatal exception in interrupt']);
    expect(seen.notes[0]).to.match(/Fatal exception in interrupt.*resetting the VM.*1 of 2 allowed/);
  });

  it('stops the VM after one oops more than allowed, naming the panic', async () => {
    const { stream, seen, done } = watched(1);
    stream.push(Buffer.from(OOPS));
    await settle();
    stream.push(Buffer.from(`second boot\n${OOPS}`));
    await done;

    expect(seen.resets).to.equal(1);
    expect(seen.stopped).to.deep.equal([
      'the guest kernel panicked: "Fatal exception in interrupt", after 1 reset(s) for the same; the console has the trace',
    ]);
  });

  it('stops the VM at once on a panic that is not an oops, whatever resets are left', async () => {
    const { stream, seen, done } = watched(3);
    stream.push(Buffer.from(NO_INIT));
    await done;

    expect(seen.resets).to.equal(0);
    expect(seen.stopped).to.have.length(1);
    expect(seen.stopped[0]).to.contain('"No working init found.  Try passing init= option to kernel."');
  });

  it('waits for the whole line before reading the reason', async () => {
    const { stream, seen } = watched(3);
    stream.push(Buffer.from('Kernel panic - not syncing: No working'));
    await settle();
    expect(seen.stopped).to.deep.equal([]);

    stream.push(Buffer.from(' init found.\n'));
    await settle();
    expect(seen.stopped[0]).to.contain('"No working init found."');
  });

  it('ends quietly with the console', async () => {
    const { stream, seen, done } = watched(3);
    stream.push(Buffer.from('a boot with no panic\n'));
    stream.end('qemu exited (code 0, signal null)');
    await done;

    expect(seen).to.deep.equal({ resets: 0, stopped: [], notes: [] });
  });
});
