import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { READY_MARKER } from '../../../testbed/ironic-roots.js';
import { findQemu, hostQemu, rootQemu, rootQemuFiles } from '../../../testbed/vm/qemu-binary.js';

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

      expect(findQemu(env, root)).to.deep.equal(want === 'root' ? rootQemu(root) : hostQemu());
    });
  }
});
