import { expect } from 'chai';
import { InstallerOutputLog } from '../../../../agent/hardware/coreos/installer-output-log.js';
import { parseProgress } from '../../../../agent/hardware/coreos/installer-progress.js';
import { createTestLogger } from '../../../helpers/logger.js';

describe('hardware/coreos/installer-output-log', () => {
  const progressLines = Array.from({ length: 101 }, (_, n) => `Read disk ${n} MiB/100 MiB (${n}%)`);
  const table: [string, number, number[]][] = [
    ['a fast write: every 5 %', 1_000, Array.from({ length: 21 }, (_, n) => n * 5)],
    [
      'a slow write: also when 30 s passed with progress',
      12_000,
      [...Array.from({ length: 34 }, (_, n) => n * 3), 100],
    ],
  ];
  for (const [what, msPerPercent, expected] of table) {
    it(`progress at info level: ${what}, the rest at debug`, () => {
      const { logger, memory } = createTestLogger();
      let now = 0;
      const log = new InstallerOutputLog(logger, 2, () => (now += msPerPercent));

      for (const line of progressLines) log.write(line, parseProgress(line));

      expect(memory.entries).to.have.length(101);
      expect(memory.entries.every((e) => e['message'] === 'coreos-installer output' && e['attempt'] === 2)).to.equal(
        true,
      );
      const atInfo = memory.entries
        .filter((e) => e['level'] === 'info')
        .map((e) => Number(/\((\d+)%\)/.exec(String(e['line']))?.[1]));
      expect(atInfo).to.deep.equal(expected);
    });
  }

  it('logs every other line at info level', () => {
    const { logger, memory } = createTestLogger();
    const log = new InstallerOutputLog(logger, 1, () => 0);
    const lines = [
      'Installing Fedora CoreOS 40 x86_64 (512-byte sectors)',
      'Error: decoding and writing image',
      'Caused by:',
      '    Input/output error (os error 5)',
    ];

    for (const line of lines) log.write(line, parseProgress(line));

    expect(memory.entries.map((e) => [e['level'], e['line']])).to.deep.equal(lines.map((l) => ['info', l]));
  });
});
