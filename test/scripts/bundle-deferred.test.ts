/**
 * scripts/bundle-deferred.mjs: which deferred files a patch requires, and the
 * build's guard against a dependency that would resolve a deferred module to
 * another copy than the one its file is bundled from.
 */
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error scripts/ is plain JavaScript without declarations
import * as deferredBundle from '../../scripts/bundle-deferred.mjs';

const { checkSameResolution, deferredRequirePath, deferredSpecifiersIn } = deferredBundle as {
  checkSameResolution: (root: string, importer: string, specifier: string) => void;
  deferredRequirePath: (specifier: string) => string;
  deferredSpecifiersIn: (text: string) => string[];
};

/** A package `name` with an index.js under `dir`/node_modules. */
async function pkg(dir: string, name: string): Promise<void> {
  await mkdir(join(dir, 'node_modules', name), { recursive: true });
  await writeFile(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  await writeFile(join(dir, 'node_modules', name, 'index.js'), 'module.exports = 1;\n');
}

describe('scripts/bundle-deferred.mjs', () => {
  let root = '';

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bundle-deferred-'));
    await writeFile(join(root, 'package.json'), '{}');
    await pkg(root, 'mime-types');
    await pkg(root, 'type-is');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("names the deferred modules a patch's replacement requires, and only those", () => {
    const text = `const a = require(${JSON.stringify(deferredRequirePath('mime-types'))});`;

    expect(deferredSpecifiersIn(text)).to.deep.equal(['mime-types']);
    expect(deferredSpecifiersIn("const a = require('mime-types');")).to.deep.equal([]);
    expect(() => deferredRequirePath('express')).to.throw(/not a deferred module/);
  });

  it('accepts an importer that resolves the module to the root copy', () => {
    expect(() =>
      checkSameResolution(root, join(root, 'node_modules', 'type-is', 'index.js'), 'mime-types'),
    ).not.to.throw();
  });

  it('fails the build when the importer has a nested copy of its own', async () => {
    await pkg(join(root, 'node_modules', 'type-is'), 'mime-types');

    expect(() => checkSameResolution(root, join(root, 'node_modules', 'type-is', 'index.js'), 'mime-types')).to.throw(
      /type-is[\\/]index\.js requires mime-types from .*type-is[\\/]node_modules[\\/]mime-types/,
    );
  });
});
