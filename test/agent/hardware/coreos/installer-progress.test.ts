import { expect } from 'chai';
import { parseProgress, type InstallerProgress } from '../../../../agent/hardware/coreos/installer-progress.js';

describe('hardware/coreos/installer-progress parseProgress', () => {
  const table: [string, InstallerProgress | null][] = [
    ['Read disk 1.2 GiB/3.4 GiB (35%)', { phase: 'write', line: 'Read disk 1.2 GiB/3.4 GiB (35%)', percent: 35 }],
    [
      '> Read disk 512.0 MiB/2.0 GiB (25%)',
      { phase: 'write', line: '> Read disk 512.0 MiB/2.0 GiB (25%)', percent: 25 },
    ],
    [
      'Downloading image from https://h/x.raw.xz',
      { phase: 'source', line: 'Downloading image from https://h/x.raw.xz', percent: null },
    ],
    ['Writing Ignition config', { phase: 'ignition', line: 'Writing Ignition config', percent: null }],
    ['Modifying kernel arguments', { phase: 'postprocess', line: 'Modifying kernel arguments', percent: null }],
    ['Install complete.', { phase: 'complete', line: 'Install complete.', percent: 100 }],
    ['Caused by:', null],
  ];
  for (const [line, expected] of table)
    it(JSON.stringify(line), () => expect(parseProgress(line)).to.deep.equal(expected));
});
