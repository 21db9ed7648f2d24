import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureIronicRoot,
  IN_ROOT_SCRIPT,
  inRootArgv,
  isRootReady,
  READY_MARKER,
  recipeHash,
  rootPath,
  rootUnavailableReason,
} from '../../testbed/ironic-roots.js';

describe('testbed/ironic-roots', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roots-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names a root by suite and recipe hash; the hash changes with the suite and with the build script', () => {
    const path = rootPath('trixie', dir);

    expect(path).to.match(new RegExp(`^${dir}/trixie-[0-9a-f]{12}$`));
    expect(recipeHash('trixie')).to.equal(recipeHash('trixie'));
    expect(recipeHash('trixie')).to.not.equal(recipeHash('forky'));
    expect(recipeHash('trixie', 'echo one')).to.not.equal(recipeHash('trixie', 'echo two'));
  });

  it('a root counts as built only with its ready marker (a half-built one does not)', async () => {
    const path = rootPath('forky', dir);
    mkdirSync(join(path, 'usr/bin'), { recursive: true });
    expect(isRootReady(path)).to.equal(false);

    writeFileSync(join(path, READY_MARKER), 'suite: forky\n');

    expect(isRootReady(path)).to.equal(true);
    expect(await rootUnavailableReason('forky', dir)).to.equal(undefined);
    expect(await ensureIronicRoot('forky', { rootsDir: dir })).to.equal(path);
  });

  it("bookworm has no root: the machine's own packages are used", async () => {
    expect(await rootUnavailableReason('bookworm', dir)).to.equal(undefined);
    const error = await ensureIronicRoot('bookworm', { rootsDir: dir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal("Ironic from bookworm runs from the machine's own packages, not from a root");
  });

  it('inRootArgv binds the test bed directory unless /tmp or /var/tmp (always shared) holds it', () => {
    expect(
      inRootArgv('/r', ['/srv/tb', '/tmp/x', '/var/tmp/y'], ['ironic', '--config-file', '/srv/tb/etc/ironic.conf']),
    ).to.deep.equal([
      '/bin/bash',
      IN_ROOT_SCRIPT,
      '/r',
      '--bind',
      '/srv/tb',
      '--',
      'ironic',
      '--config-file',
      '/srv/tb/etc/ironic.conf',
    ]);
    expect(inRootArgv('/r', ['/tmpfoo'], ['true'])).to.include('/tmpfoo');
    expect(() => inRootArgv('/r', [], [])).to.throw('no command');
  });
});
