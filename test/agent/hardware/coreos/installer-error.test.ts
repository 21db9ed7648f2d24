import { expect } from 'chai';
import {
  formatErrorChain,
  installerErrorChain,
  MAX_ERROR_SUMMARY,
} from '../../../../agent/hardware/coreos/installer-error.js';

/** Output shapes of coreos-installer (src/install.rs, src/download.rs) as anyhow's Debug format prints them. */
const table: [string, string[], string[]][] = [
  [
    'a failed disk write: the detailed report, the cleanup, then "install failed"',
    [
      'Installing Fedora CoreOS 40.20240416.3.1 x86_64 (512-byte sectors)',
      'Read disk 1.2 GiB/3.4 GiB (35%)',
      '',
      'Error: decoding and writing image',
      '',
      'Caused by:',
      '    No space left on device (os error 28)',
      '',
      'Resetting partition table',
      'Error: install failed',
    ],
    ['install failed', 'decoding and writing image', 'No space left on device (os error 28)'],
  ],
  [
    'several causes, numbered, with --preserve-on-error',
    [
      'Writing Ignition config',
      '',
      'Error: writing Ignition configuration',
      '',
      'Caused by:',
      '    0: opening destination Ignition config /tmp/coreos-installer-Ab12/ignition/config.ign',
      '    1: File exists (os error 17)',
      '',
      'Preserving partition table as requested',
      'Error: install failed',
    ],
    [
      'install failed',
      'writing Ignition configuration',
      'opening destination Ignition config /tmp/coreos-installer-Ab12/ignition/config.ign',
      'File exists (os error 17)',
    ],
  ],
  [
    'an error before the disk is written: one report from main()',
    [
      'Partitions in use on /dev/sda:',
      '    /dev/sda3 mounted on /boot',
      'Error: checking for exclusive access to /dev/sda',
      '',
      'Caused by:',
      '    found busy partitions',
    ],
    ['checking for exclusive access to /dev/sda', 'found busy partitions'],
  ],
  [
    'an error without causes',
    ['Error: cannot perform offline install; metadata missing'],
    ['cannot perform offline install; metadata missing'],
  ],
  [
    'ten causes or more: numbers right-aligned in five columns',
    ['Error: a', '', 'Caused by:', ...Array.from({ length: 11 }, (_, n) => `${String(n).padStart(5)}: c${n}`)],
    ['a', ...Array.from({ length: 11 }, (_, n) => `c${n}`)],
  ],
  [
    'multi-line causes: continuation lines are joined',
    [
      'Error: fetching signature URL',
      '',
      'Caused by:',
      "    0: fetching 'https://h/i.raw.xz.sig'",
      '    1: error sending request',
      '       connection refused',
    ],
    ['fetching signature URL', "fetching 'https://h/i.raw.xz.sig'", 'error sending request connection refused'],
  ],
  [
    'a backtrace (RUST_BACKTRACE=1) ends the causes',
    ['Error: a', '', 'Caused by:', '    b', '', 'Stack backtrace:', '   0: anyhow::error::<impl anyhow::Error>::msg'],
    ['a', 'b'],
  ],
  [
    'a clap usage error (exit 2)',
    [
      "error: the argument '--image-file <path>' cannot be used with '--image-url <URL>'",
      '',
      'Usage: coreos-installer install [OPTIONS] [DEST_DEVICE]',
      '',
      "For more information, try '--help'.",
    ],
    ["the argument '--image-file <path>' cannot be used with '--image-url <URL>'"],
  ],
  ['no error report at all', ['Read disk 1.2 GiB/3.4 GiB (35%)', 'Killed'], []],
];

describe('hardware/coreos/installer-error', () => {
  describe('installerErrorChain', () => {
    for (const [what, lines, expected] of table)
      it(what, () => expect(installerErrorChain(lines)).to.deep.equal(expected));
  });

  describe('formatErrorChain', () => {
    it("joins the chain like anyhow's {:#}", () => {
      expect(
        formatErrorChain(['install failed', 'decoding and writing image', 'No space left on device (os error 28)']),
      ).to.equal('install failed: decoding and writing image: No space left on device (os error 28)');
    });

    it('drops middle causes to stay within the bound, always keeping the innermost one', () => {
      const chain = [
        'install failed',
        'writing Ignition configuration',
        `opening ${'x'.repeat(100)}`,
        'File exists (os error 17)',
      ];

      const text = formatErrorChain(chain, 80);

      expect(text).to.equal('install failed: writing Ignition configuration: …: File exists (os error 17)');
      expect(text.length).to.be.at.most(80);
    });

    it('clips an innermost cause that alone is too long, and a single message', () => {
      const long = 'y'.repeat(1000);

      expect(formatErrorChain(['install failed', long]).length).to.equal(MAX_ERROR_SUMMARY);
      expect(formatErrorChain(['install failed', long])).to.match(/^…: y+…$/);
      expect(formatErrorChain([long], 10)).to.equal('yyyyyyyyy…');
    });

    it('puts each part on one line', () => {
      expect(formatErrorChain(['a\n  b', ' c '])).to.equal('a b: c');
    });
  });
});
