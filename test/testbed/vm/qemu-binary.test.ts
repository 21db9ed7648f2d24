import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { READY_MARKER } from '../../../testbed/ironic-roots.js';
import { findQemu, hostQemu, probeQemu, rootQemu, rootQemuFiles } from '../../../testbed/vm/qemu-binary.js';

describe('testbed/vm/qemu-binary', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ica-qemu-root-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Makes `root` look like a built root, with or without its qemu and loader. */
  function makeRoot(opts: { ready: boolean; qemu: boolean; loader: boolean }): void {
    const f = rootQemuFiles(root);
    if (opts.ready) writeFileSync(join(root, READY_MARKER), 'suite: forky\n');
    for (const [want, file] of [
      [opts.qemu, f.qemu],
      [opts.loader, f.loader],
    ] as const) {
      if (!want) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, '');
    }
  }

  it("runs the root's qemu through the root's loader, libraries, modules and data directory", () => {
    expect(rootQemu('/r').argv).to.deep.equal([
      'env',
      'QEMU_MODULE_DIR=/r/usr/lib/x86_64-linux-gnu/qemu',
      '/r/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      '--library-path',
      '/r/usr/lib/x86_64-linux-gnu:/r/usr/lib',
      '--argv0',
      'qemu-system-x86_64',
      '/r/usr/bin/qemu-system-x86_64',
      '-L',
      '/r/usr/share/qemu',
    ]);
  });

  const cases: Array<[string, { ready: boolean; qemu: boolean; loader: boolean }, NodeJS.ProcessEnv, 'root' | 'host']> =
    [
      ['a built root with qemu', { ready: true, qemu: true, loader: true }, {}, 'root'],
      ['ICA_VM_QEMU=host', { ready: true, qemu: true, loader: true }, { ICA_VM_QEMU: 'host' }, 'host'],
      ['a root still being built', { ready: false, qemu: true, loader: true }, {}, 'host'],
      ['a root built without qemu', { ready: true, qemu: false, loader: true }, {}, 'host'],
      ['a root without its loader', { ready: true, qemu: true, loader: false }, {}, 'host'],
    ];
  for (const [name, layout, env, want] of cases) {
    it(`chooses the ${want}'s qemu for ${name}`, () => {
      makeRoot(layout);

      const probed: string[][] = [];
      const probe = (argv: readonly string[]) => void probed.push([...argv]);

      expect(findQemu(env, root, probe)).to.deep.equal(want === 'root' ? rootQemu(root) : hostQemu());
      expect(probed).to.deep.equal(want === 'root' ? [rootQemu(root).argv] : []);
    });
  }

  it("falls back to the machine's qemu when the root's does not run, and says why", () => {
    makeRoot({ ready: true, qemu: true, loader: true });

    const chosen = findQemu({}, root, () => 'error while loading shared libraries: libfoo.so.1');

    expect(chosen.argv).to.deep.equal(hostQemu().argv);
    expect(chosen.label).to.equal(
      `the machine's qemu-system-x86_64 (forky's qemu-system-x86_64 in ${root} did not run: error while loading shared libraries: libfoo.so.1)`,
    );
  });

  it("probes a command by its version: a real qemu's passes, anything else says why", () => {
    expect(probeQemu(['sh', '-c', 'echo "QEMU emulator version 11.1.2"; true'])).to.equal(undefined);
    expect(probeQemu(['sh', '-c', 'echo "cannot open libfoo.so.1" >&2; exit 127'])).to.equal('cannot open libfoo.so.1');
    expect(probeQemu(['sh', '-c', 'echo hello'])).to.equal('printed no qemu version: "hello"');
    expect(probeQemu(['sh', '-c', 'exit 3'])).to.equal('exit status 3');
    expect(probeQemu(['/nonexistent/qemu'])).to.match(/ENOENT/);
  });
});
