import { expect } from 'chai';
import { FirmwareStallWatch, handoverEnd } from '../../../testbed/vm/firmware-stall.js';
import { TextStream } from '../../../testbed/vm/text-stream.js';

/** OVMF's handover line, as a CI run's console had it. */
const HANDOVER = 'BdsDxe: starting Boot0001 "UEFI Misc Device" from PciRoot(0x0)/Pci(0x2,0x0)\r\n';
const GRUB = 'GNU GRUB  version 2.14-4\n';

function watched(resets: number, stallMs: number) {
  const stream = new TextStream('serial console');
  const seen = { resets: 0, notes: [] as string[] };
  const watch = new FirmwareStallWatch(stream, resets, stallMs, {
    reset: () => {
      seen.resets += 1;
      return Promise.resolve();
    },
    note: (message) => seen.notes.push(message),
  });
  return { stream, watch, done: watch.run(), seen };
}

const push = (s: TextStream, text: string) => s.push(Buffer.from(text));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('testbed/vm/firmware-stall', () => {
  it('handoverEnd finds where the n-th handover line ends', () => {
    const text = `x${HANDOVER}${GRUB}${HANDOVER}y`;
    expect(handoverEnd(text, 1)).to.equal(1 + HANDOVER.length);
    expect(handoverEnd(text, 2)).to.equal(text.length - 1);
    expect(handoverEnd(text, 3)).to.equal(undefined);
  });

  it('leaves a VM alone whose boot loader speaks after each handover, even in the same chunk', async () => {
    const { stream, done, seen } = watched(3, 200);
    push(stream, `${HANDOVER}${GRUB}`);
    await sleep(50);
    push(stream, HANDOVER);
    await sleep(50);
    push(stream, '[    0.000000] Linux version 7.2.12\n');
    await sleep(300);
    stream.end('qemu exited');
    await done;
    expect(seen).to.deep.equal({ resets: 0, notes: [] });
  });

  it('resets a VM that shows nothing after the handover, says so, and watches the next boot', async () => {
    const { stream, watch, done, seen } = watched(3, 100);
    push(stream, HANDOVER);
    await sleep(250);
    expect(seen.resets).to.equal(1);
    expect(seen.notes[0]).to.match(/nothing followed the firmware's handover .* resetting the VM, .*1 of 3/);
    push(stream, `${HANDOVER}${GRUB}`);
    await sleep(250);
    stream.end('qemu exited');
    await done;
    expect(seen.resets).to.equal(1);
    expect(watch.stalls).to.equal(1);
  });

  it('stops resetting once its resets are spent', async () => {
    const { stream, done, seen } = watched(2, 50);
    for (let i = 0; i < 4; i += 1) {
      push(stream, HANDOVER);
      await sleep(120);
    }
    await done;
    stream.end('qemu exited');
    expect(seen.resets).to.equal(2);
  });

  it('counts the shell and a network boot as started', async () => {
    const { stream, done, seen } = watched(3, 100);
    push(stream, `${HANDOVER}UEFI Interactive Shell v2.2\n`);
    push(stream, `${HANDOVER}>>Start PXE over IPv4.\n`);
    await sleep(250);
    stream.end('qemu exited');
    await done;
    expect(seen.resets).to.equal(0);
  });
});
