/**
 * The layers of the tree, checked by `npm run lint` (dependency-cruiser).
 * From the bottom up:
 *   common/                 what every wing shares: Runner, Fs, Clock, per-boot state, CLI contract, agent config contract
 *   ignition/ (not build/), container/
 *                           libraries: Ignition spec and validation; the container's unit, paths and podman argv
 *   agent/, iso/, ignition/build/, reprovision/, fleet/
 *                           wings: one capability each; they never import one another
 *   cli/                    the entry: dispatches to the wings
 * testbed/ (real Ironic, VMs, images), bench/ and test/ sit beside the tree and may use all of it;
 * nothing in the tree imports them, and bench/ and testbed/ never import test/.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const WINGS = ['agent/', 'iso/', 'ignition/build/', 'reprovision/', 'fleet/'];
const LIBRARIES = '^(ignition/(?!build/)|container/)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle makes load order matter and hides which module owns a concept.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'common-is-the-bottom',
      severity: 'error',
      comment: 'common/ is shared by every wing, so it imports nothing above it.',
      from: { path: '^common/' },
      to: { path: '^(?!common/|node_modules/)', dependencyTypesNot: ['core'] },
    },
    {
      name: 'libraries-import-only-common',
      severity: 'error',
      comment: 'ignition/ (but its build/ wing) and container/ are libraries the wings share.',
      from: { path: LIBRARIES },
      to: { path: '^(?!common/|ignition/(?!build/)|container/|node_modules/)', dependencyTypesNot: ['core'] },
    },
    ...WINGS.map((wing) => ({
      name: 'wings-stay-apart',
      severity: 'error',
      comment: `${wing} is a wing: it may use common/ and the libraries, not another wing or the entry.`,
      from: { path: `^${wing}` },
      to: {
        path: `^(agent/|iso/|ignition/build/|reprovision/|fleet/|cli/)`,
        pathNot: `^${wing}`,
      },
    })),
    {
      name: 'tree-never-imports-test-infrastructure',
      severity: 'error',
      comment: 'What ships (cli, common, wings, libraries) never imports test/, testbed/ or bench/.',
      from: { path: '^(cli|common|agent|iso|ignition|reprovision|fleet|container)/' },
      to: { path: '^(test|testbed|bench)/' },
    },
    {
      name: 'testbed-and-bench-never-import-tests',
      severity: 'error',
      comment: 'test/ may use testbed/; testbed/ and bench/ stand without test/.',
      from: { path: '^(testbed|bench)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
