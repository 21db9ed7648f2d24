/**
 * Run a mocha suite once per Ironic release of this test run
 * (`ICA_IRONIC_SUITES`, default bookworm, trixie and forky): see
 * {@link describeEachIronic}.
 */
import { testbedUnavailableReason } from '../../testbed/host.js';
import { ensureIronicRoot, isRootReady, rootPath, rootUnavailableReason } from '../../testbed/ironic-roots.js';
import {
  ironicVersionIn,
  parseSuites,
  SUITE_PROFILES,
  SUITES_ENV,
  type IronicSuite,
  type SuiteProfile,
} from '../../testbed/ironic-suites.js';

/** Building a root (debootstrap + apt-get from the mirror) when it is not cached yet. */
const ROOT_BUILD_TIMEOUT = 30 * 60_000;

/** One Ironic release an e2e suite runs against. */
export interface IronicUnderTest {
  suite: IronicSuite;
  profile: SuiteProfile;
  /** For test titles: `Ironic 29.0.5, trixie` (the series, e.g. `29.0`, while the root is not built yet). */
  label: string;
}

/** The suites of this run: `ICA_IRONIC_SUITES` (comma-separated), default all of them. */
export function configuredSuites(): IronicSuite[] {
  return parseSuites(process.env[SUITES_ENV]);
}

function describeIronic(suite: IronicSuite): IronicUnderTest {
  const profile = SUITE_PROFILES[suite];
  const root = profile.fromHost ? '/' : rootPath(suite);
  const version = (profile.fromHost || isRootReady(root) ? ironicVersionIn(root) : undefined) ?? profile.series;
  return { suite, profile, label: `Ironic ${version}, ${suite}` };
}

/**
 * Declare `title` once per configured Ironic release (see {@link configuredSuites}),
 * titled `<title> (Ironic 29.0.5, trixie)`. Its first `before` hook skips the
 * suite with the reason when that Ironic cannot run here, builds the suite's
 * root when it is not cached, and prints the Ironic version in use (and, at
 * the end, how long the suite took, Ironic's start and stop included); `body`
 * declares the hooks and tests as a plain `describe` body would.
 * `inspector: true`: the suite inspects, so it needs ironic-inspector where that
 * is the release's inspection path (see SuiteProfile.inspection). `select`:
 * which of the configured releases (in their order) this suite runs against.
 */
export function describeEachIronic(
  title: string,
  body: (this: Mocha.Suite, ironic: IronicUnderTest) => void,
  options: { inspector?: boolean; select?: (configured: IronicSuite[]) => IronicSuite[] } = {},
): void {
  let suites: IronicSuite[];
  try {
    suites = (options.select ?? ((configured) => configured))(configuredSuites());
  } catch (error) {
    // thrown while mocha loads the file, the error would hide behind a confusing module-loading one
    describe(title, () =>
      it(`${SUITES_ENV} names the Ironic releases to run against`, () => {
        throw error;
      }),
    );
    return;
  }
  for (const suite of suites) {
    const ironic = describeIronic(suite);
    describe(`${title} (${ironic.label})`, function () {
      let started = 0;
      before(async function () {
        this.timeout(ROOT_BUILD_TIMEOUT);
        const unavailable = testbedUnavailableReason(
          options.inspector === true && ironic.profile.inspection === 'inspector',
          suite,
        );
        if (unavailable !== undefined) {
          console.log(`      (skipping: ${unavailable})`);
          this.skip();
        }
        const reason = await rootUnavailableReason(suite);
        if (reason !== undefined) {
          console.log(`      (skipping: ${reason})`);
          this.skip();
        }
        if (!ironic.profile.fromHost && !isRootReady(rootPath(suite))) {
          const building = Date.now();
          console.log(`      building the ${suite} Ironic root (debootstrap and apt-get; cached afterwards)…`);
          await ensureIronicRoot(suite);
          console.log(`      built in ${((Date.now() - building) / 1000).toFixed(0)} s`);
        }
        started = Date.now();
        console.log(
          `      (Ironic ${ironicVersionIn(ironic.profile.fromHost ? '/' : rootPath(suite)) ?? '?'} from ${suite})`,
        );
      });
      body.call(this, ironic);
      // after the body's own after hooks: the time includes starting and stopping Ironic (not a root build)
      after(() => {
        if (started > 0) console.log(`      (${ironic.label}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      });
    });
  }
}
