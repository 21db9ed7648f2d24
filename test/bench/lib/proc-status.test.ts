import { expect } from 'chai';
import { createServer } from 'node:net';
import { freePort, parseStatusField, parseVmRss, readVmHwm, readVmRss } from '../../../bench/lib/proc-status.js';

const STATUS = [
  'Name:\tnode',
  'State:\tS (sleeping)',
  'VmPeak:\t 1165800 kB',
  'VmHWM:\t   99000 kB',
  'VmRSS:\t   45468 kB',
  'RssAnon:\t   12000 kB',
  '',
].join('\n');

describe('bench proc-status', () => {
  it('reads VmRSS (not VmHWM or RssAnon) from a status text, in bytes', () => {
    expect(parseVmRss(STATUS)).to.equal(45468 * 1024);
  });

  it('reads the peak (VmHWM) from a status text, in bytes', () => {
    expect(parseStatusField(STATUS, 'VmHWM')).to.equal(99000 * 1024);
  });

  it('reads the peak resident memory of a live process, at least its current', async () => {
    const rss = await readVmRss(process.pid);
    const hwm = await readVmHwm(process.pid);

    expect(hwm).to.be.at.least(rss);
  });

  it('explains a status text without VmRSS (kernel thread, zombie)', () => {
    expect(() => parseVmRss('Name:\tkthreadd\nState:\tS (sleeping)\n')).to.throw('no VmRSS line');
  });

  it('reads the resident memory of a live process from /proc', async () => {
    const rss = await readVmRss(process.pid);

    expect(rss % 1024).to.equal(0);
    expect(rss).to.be.above(1024 * 1024);
  });

  it('finds a loopback port that can be bound right after', async () => {
    const port = await freePort();
    const server = createServer();

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });

    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
