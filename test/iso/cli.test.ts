import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { copyFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../cli/index.js';
import { buildIso, captureIO, makeTempDir, read, removeTempDir, sha256 } from '../helpers/iso-fixtures.js';

const CONFIG = '{"ignition": {"version": "3.1.0"}}\n';

describe('iso/cli through main()', () => {
  let dir = '';
  let pristine = '';
  let plain = '';
  let counter = 0;

  async function freshIso(): Promise<string> {
    counter += 1;
    const path = join(dir, `cli-${counter}.iso`);
    await copyFile(pristine, path);
    return path;
  }

  async function run(
    argv: string[],
    options: Parameters<typeof captureIO>[0] = {},
  ): Promise<{ code: number; out: Buffer; err: string }> {
    const io = captureIO({ cwd: dir, ...options });
    const code = await main(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  before(async () => {
    dir = await makeTempDir();
    pristine = await buildIso(dir, 'igninfo');
    plain = await buildIso(dir, 'plain');
    await writeFile(join(dir, 'config.ign'), CONFIG);
  });

  after(async () => removeTempDir(dir));

  describe('--help at every level', () => {
    const cases: Array<[string[], string]> = [
      [['iso', '--help'], 'Usage: ironic-coreos-agent iso <command>'],
      [['iso', 'ignition', '-h'], '\n  embed   Embed an Ignition config'],
      [['iso', 'ignition', 'embed', '--help'], '-i, --ignition-file <path>'],
      [['iso', 'ignition', 'show', '-h'], 'Usage: ironic-coreos-agent iso ignition show <ISO>'],
      [['iso', 'ignition', 'remove', '--help'], '-o, --output <path>'],
      [['pxe', '--help'], '\n  ignition  Wrap an Ignition config'],
      [['pxe', 'ignition', 'help'], '\n  wrap    Wrap an Ignition config'],
      [['pxe', 'ignition', 'wrap', '--help'], 'Usage: ironic-coreos-agent pxe ignition wrap [options]'],
      [['pxe', 'ignition', 'unwrap', '-h'], 'Usage: ironic-coreos-agent pxe ignition unwrap [initrd]'],
    ];
    for (const [argv, text] of cases) {
      it(`${argv.join(' ')} prints usage and exits 0`, async () => {
        const result = await run(argv);

        expect(result.code).to.equal(0);
        expect(result.out.toString()).to.include(text);
        expect(result.err).to.equal('');
      });
    }

    it('lists iso and pxe in the top-level help', async () => {
      const result = await run(['--help']);

      expect(result.out.toString())
        .to.match(/\n {2}iso +Embed, show or remove/)
        .and.to.match(/\n {2}pxe +Wrap an Ignition config/);
    });
  });

  describe('usage errors exit 2', () => {
    // [argv, the command words the message names, the message]
    const cases: Array<[string[], string, string]> = [
      [['iso'], 'iso', 'missing command: one of ignition'],
      [['iso', 'kargs'], 'iso', 'unknown command "kargs"'],
      [['iso', 'ignition'], 'iso ignition', 'missing command: one of embed, show, remove'],
      [['iso', 'ignition', 'extract', 'x.iso'], 'iso ignition', 'unknown command "extract"'],
      [['iso', 'ignition', 'embed'], 'iso ignition embed', 'missing required argument <ISO>'],
      [['iso', 'ignition', 'show', 'a.iso', 'b.iso'], 'iso ignition show', 'unexpected argument "b.iso"'],
      [['iso', 'ignition', 'embed', '--bogus', 'a.iso'], 'iso ignition embed', 'unknown option --bogus'],
      [['iso', 'ignition', 'remove', 'a.iso', '-o'], 'iso ignition remove', '--output needs a value'],
      [['iso', 'ignition', 'show', '-f', 'a.iso'], 'iso ignition show', 'unknown option -f'],
      [['pxe', 'ignition', 'wrap', 'extra'], 'pxe ignition wrap', 'unexpected argument "extra"'],
    ];
    for (const [argv, words, message] of cases) {
      it(`${argv.join(' ')} → "${message}"`, async () => {
        const result = await run(argv);

        expect(result.code).to.equal(2);
        expect(result.err).to.equal(
          `ironic-coreos-agent ${words}: ${message}\nRun "ironic-coreos-agent ${words} --help" for usage.\n`,
        );
      });
    }
  });

  describe('runtime', () => {
    it('embeds from -i, shows, refuses a second embed without -f, then removes to pristine', async () => {
      const iso = await freshIso();

      const embed = await run(['iso', 'ignition', 'embed', '-i', 'config.ign', iso]);
      const show = await run(['iso', 'ignition', 'show', iso]);
      const again = await run(['iso', 'ignition', 'embed', '-i', 'config.ign', iso]);
      const forced = await run(['iso', 'ignition', 'embed', '--force', iso], { stdin: '{"replaced": true}' });
      const shown = await run(['iso', 'ignition', 'show', iso]);
      const remove = await run(['iso', 'ignition', 'remove', iso]);
      const empty = await run(['iso', 'ignition', 'show', iso]);

      expect([embed.code, show.code, again.code, forced.code, shown.code, remove.code, empty.code]).to.deep.equal([
        0, 0, 1, 0, 0, 0, 1,
      ]);
      expect(show.out.toString()).to.equal(CONFIG);
      expect(again.err).to.equal(
        'ironic-coreos-agent iso ignition embed: error: This ISO image already has an embedded Ignition config; use -f to force.\n',
      );
      expect(shown.out.toString()).to.equal('{"replaced": true}');
      expect(empty.err).to.equal('ironic-coreos-agent iso ignition show: error: No embedded Ignition config.\n');
      expect(sha256(await read(iso))).to.equal(sha256(await read(pristine)));
    });

    it('prints the cause chain for a non-CoreOS ISO', async () => {
      const result = await run(['iso', 'ignition', 'show', plain]);

      expect(result.code).to.equal(1);
      expect(result.err).to.equal(
        [
          'ironic-coreos-agent iso ignition show: error: Unrecognized CoreOS ISO image.',
          '',
          'Caused by:',
          '    0: finding initrd embed area',
          '    1: intermediate directory IMAGES does not exist',
          '',
        ].join('\n'),
      );
    });

    it("reports a too-large config with upstream's message", async () => {
      const iso = await freshIso();
      const big = JSON.stringify({ junk: randomBytes(300000).toString('base64') });

      const result = await run(['iso', 'ignition', 'embed', iso], { stdin: big });

      expect(result.code).to.equal(1);
      expect(result.err).to.match(/error: Compressed initramfs is too large: \d+ > 262144\n$/);
    });

    it('warns about non-JSON input, naming its source, and embeds it like coreos-installer', async () => {
      const iso = await freshIso();
      const result = await run(['iso', 'ignition', 'embed', iso], { stdin: 'variant: fcos' });
      const shown = await run(['iso', 'ignition', 'show', iso]);

      expect(result.code).to.equal(0);
      expect(result.err).to.include('warning: Ignition config from stdin is not valid JSON');
      expect(shown.out.toString()).to.equal('variant: fcos');
    });

    it('refuses an existing -o file and writes a new one', async () => {
      const iso = await freshIso();
      await writeFile(join(dir, 'taken.iso'), 'x');

      const taken = await run(['iso', 'ignition', 'embed', '-i', 'config.ign', '-o', 'taken.iso', iso]);
      const fresh = await run(['iso', 'ignition', 'embed', '-i', 'config.ign', '--output', 'fresh.iso', iso]);

      expect(taken.code).to.equal(1);
      expect(taken.err).to.include(`Output file ${join(dir, 'taken.iso')} already exists`);
      expect(fresh.code).to.equal(0);
      expect((await run(['iso', 'ignition', 'show', 'fresh.iso'])).out.toString()).to.equal(CONFIG);
      expect(sha256(await read(iso))).to.equal(sha256(await read(pristine)));
    });

    it('streams with -o - but refuses a terminal', async () => {
      const iso = await freshIso();

      const tty = await run(['iso', 'ignition', 'embed', '-i', 'config.ign', '-o', '-', iso], { stdoutIsTty: true });
      const piped = await run(['iso', 'ignition', 'embed', '-i', 'config.ign', '-o', '-', iso]);

      expect(tty.code).to.equal(1);
      expect(tty.err).to.include('Refusing to write binary data to terminal');
      expect(piped.code).to.equal(0);
      expect(piped.out.length).to.equal((await stat(iso)).size);
      await writeFile(join(dir, 'streamed.iso'), piped.out);
      expect((await run(['iso', 'ignition', 'show', 'streamed.iso'])).out.toString()).to.equal(CONFIG);
    });

    it('pxe: wraps to stdout and to a 0600 file, unwraps from stdin and from a file, refuses a terminal', async () => {
      const tty = await run(['pxe', 'ignition', 'wrap', '-i', 'config.ign'], { stdoutIsTty: true });
      const wrapped = await run(['pxe', 'ignition', 'wrap'], { stdin: CONFIG });
      const toFile = await run(['pxe', 'ignition', 'wrap', '-i', 'config.ign', '-o', 'config.img']);
      const fromStdin = await run(['pxe', 'ignition', 'unwrap'], { stdin: wrapped.out });
      const fromFile = await run(['pxe', 'ignition', 'unwrap', 'config.img']);

      expect(tty.code).to.equal(1);
      expect(tty.err).to.include('Refusing to write binary data to terminal');
      expect([wrapped.code, toFile.code, fromStdin.code, fromFile.code]).to.deep.equal([0, 0, 0, 0]);
      expect(await read(join(dir, 'config.img'))).to.deep.equal(wrapped.out);
      expect((await stat(join(dir, 'config.img'))).mode & 0o777).to.equal(0o600);
      expect(fromStdin.out.toString()).to.equal(CONFIG);
      expect(fromFile.out.toString()).to.equal(CONFIG);
    });

    it('a missing -i file is a bad option value (exit 2); a missing operand is a runtime error (exit 1)', async () => {
      const option = await run(['pxe', 'ignition', 'wrap', '-i', 'nope.ign']);
      const operand = await run(['pxe', 'ignition', 'unwrap', 'nope.img']);

      expect([option.code, operand.code]).to.deep.equal([2, 1]);
      expect(option.err).to.match(
        /^ironic-coreos-agent pxe ignition wrap: cannot read --ignition-file nope\.ign: ENOENT: .*\nRun "ironic-coreos-agent pxe ignition wrap --help" for usage\.\n$/,
      );
      expect(operand.err).to.match(
        /^ironic-coreos-agent pxe ignition unwrap: error: reading nope\.img\n\nCaused by:\n {4}ENOENT: /,
      );
    });
  });
});
