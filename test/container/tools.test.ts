import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import {
  commandsInCode,
  dockerfileBurnin,
  dockerfileRuntimeCommands,
  dockerfileRuntimePackages,
  readmeBurninPackages,
  readmeNotShipped,
  readmeShippedPackages,
} from '../helpers/container-tools.js';

/** Packages the agent needs without running a command of theirs, and the evidence in the code. */
const WITHOUT_COMMANDS: Readonly<Record<string, { why: RegExp; code?: { file: string; text: string } }>> = {
  'libstdc++6': { why: /node binary/ },
  gzip: { why: /tar -czf/, code: { file: 'agent/extensions/log/index.ts', text: "'-czf'" } },
};

describe('container tools: the Dockerfile, container/README.md and the code agree', () => {
  it('documents every package the runtime stage installs, and no other', async () => {
    const readme = (await readmeShippedPackages()).map((p) => p.name);

    expect([...readme].sort()).to.deep.equal([...(await dockerfileRuntimePackages())].sort());
  });

  it('copies into the image exactly the commands it documents, and gzip and sh for tar -z', async () => {
    const readme = (await readmeShippedPackages()).flatMap((p) => p.commands);

    expect([...(await dockerfileRuntimeCommands())].sort()).to.deep.equal(
      [...new Set([...readme, 'gzip', 'sh'])].sort(),
    );
  });

  it('documents what --build-arg BURNIN=true adds: the packages it installs and the commands it copies', async () => {
    const readme = await readmeBurninPackages();
    const dockerfile = await dockerfileBurnin();

    expect(readme.map((p) => p.name)).to.deep.equal(['stress-ng']);
    expect([...dockerfile.packages].sort()).to.deep.equal(readme.map((p) => p.name).sort());
    expect([...dockerfile.commands].sort()).to.deep.equal(readme.flatMap((p) => p.commands).sort());
  });

  it('ships only commands the code runs, burn-in included', async () => {
    const inCode = await commandsInCode();
    const unused = [...(await readmeShippedPackages()), ...(await readmeBurninPackages())].flatMap((p) =>
      p.commands.filter((c) => !inCode.has(c)).map((c) => `${p.name}: ${c}`),
    );

    expect(unused).to.deep.equal([]);
  });

  it('ships every command the code runs, or says why not', async () => {
    const shipped = new Set(
      [...(await readmeShippedPackages()), ...(await readmeBurninPackages())].flatMap((p) => p.commands),
    );
    const notShipped = new Set(await readmeNotShipped());
    const missing = [...(await commandsInCode()).entries()]
      .filter(([c]) => !shipped.has(c) && !notShipped.has(c))
      .map(([c, files]) => `${c} (${files.join(', ')})`);

    expect(missing).to.deep.equal([]);
  });

  it('gives each package without commands a reason the code backs', async () => {
    const bare = (await readmeShippedPackages()).filter((p) => p.commands.length === 0);

    expect(bare.map((p) => p.name).sort()).to.deep.equal(Object.keys(WITHOUT_COMMANDS).sort());
    for (const pkg of bare) {
      const rule = WITHOUT_COMMANDS[pkg.name];
      expect(pkg.why, pkg.name).to.match(rule?.why ?? /^$/);
      if (rule?.code !== undefined) expect(await readFile(rule.code.file, 'utf8'), pkg.name).to.contain(rule.code.text);
    }
  });
});
