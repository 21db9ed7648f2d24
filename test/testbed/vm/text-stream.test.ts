import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { TextStream } from '../../../testbed/vm/text-stream.js';

describe('testbed/vm/text-stream', () => {
  it('resolves a wait when the pattern arrives, across chunks', async () => {
    const s = new TextStream('serial console');
    const waiting = s.waitFor(/Shell> /);

    s.push(Buffer.from('UEFI Interactive \x1b[1mShe'));
    s.push(Buffer.from('ll> '));

    expect(await waiting).to.equal('Shell> ');
  });

  it('waits for the n-th occurrence, counting from the start', async () => {
    const s = new TextStream('serial console');
    s.push(Buffer.from('BdsDxe: starting\n'));
    const second = s.waitFor(/BdsDxe: starting/, 2);
    let done = false;
    void second.then(() => (done = true));

    await Promise.resolve();
    expect(done).to.equal(false);
    s.push(Buffer.from('reset\nBdsDxe: starting\n'));

    expect(await second).to.equal('BdsDxe: starting');
  });

  it('counts from an offset when one is given: what came before it is not counted', async () => {
    const s = new TextStream('serial console');
    s.push(Buffer.from('Starting ignition-files.service\n'));
    const mark = s.text.length;
    const after = s.waitFor(/Starting ignition-files/, 1, mark);
    let done = false;
    void after.then(() => (done = true));

    await Promise.resolve();
    expect(done).to.equal(false);
    s.push(Buffer.from('reset\nStarting ignition-files.service\n'));

    expect(await after).to.equal('Starting ignition-files');
  });

  it('rejects pending and later waits once the stream ended, naming the reason and the last text', async () => {
    const s = new TextStream('serial console');
    s.push(Buffer.from('last words\n'));
    const pending = s.waitFor(/never/);

    s.end('qemu was killed by the hard timeout');

    for (const wait of [pending, s.waitFor(/never either/)])
      await wait.then(
        () => expect.fail('should reject'),
        (e: Error) => {
          expect(e.message).to.contain('The serial console ended (qemu was killed by the hard timeout)');
          expect(e.message).to.contain('last words');
        },
      );
  });

  it('still resolves a wait for text that arrived before the end', async () => {
    const s = new TextStream('completion port');
    s.push(Buffer.from('ok\n'));
    s.end('qemu exited');

    expect(await s.waitFor(/ok/)).to.equal('ok');
  });

  it('decodes UTF-8 split across chunks, as systemd prints an ellipsis', () => {
    const s = new TextStream('serial console');
    const bytes = Buffer.from('Starting ica-vm-booted.ser… (tests)');
    const cut = bytes.indexOf(0xe2) + 1;

    s.push(bytes.subarray(0, cut));
    s.push(bytes.subarray(cut));

    expect(s.text).to.equal('Starting ica-vm-booted.ser… (tests)');
  });

  it('appends the raw bytes to the log file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ica-text-stream-'));
    try {
      const log = join(dir, 'console.log');
      const s = new TextStream('serial console', log);

      s.push(Buffer.from('\x1b[2JA'));
      s.push(Buffer.from('B\r\n'));

      expect(readFileSync(log, 'latin1')).to.equal('\x1b[2JAB\r\n');
      expect(s.text).to.equal('AB\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(dir)).to.equal(false);
  });
});
