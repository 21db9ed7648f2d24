import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IgnitionStageError, InvalidCommandParamsError } from '../../../common/errors.js';
import { ProcessError } from '../../../common/exec/process-error.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { STAGE_MARKER } from '../../../reprovision/staged/apply-script.js';
import { applyArgv, ignitionArgv } from '../../../reprovision/staged/ignition-argv.js';
import { BIND_VAR, IgnitionStages } from '../../../reprovision/staged/ignition-stages.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const IGN = '/usr/bin/ignition';
const CONFIG = '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"core","passwordHash":"$6$TOPSECRET"}]}}';
/** Ignition's stderr on a failed stage: the stage, then the whole config (which may hold secrets). */
const DUMP = 'files failed\nFull config:\n{\n  "passwd": "$6$TOPSECRET"\n}\n';

describe('reprovision/staged/ignition-stages', () => {
  let dir: string;
  let work: string;
  let runner: FakeRunner;
  let stages: IgnitionStages;
  const env = { PATH: '/shim:/usr/bin' };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ign-stages-'));
    work = join(dir, 'work');
    runner = new FakeRunner();
    stages = new IgnitionStages({ runner, fs: new NodeFs(), ignition: IGN, workDir: work, env });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fetchArgv = (stage: 'fetch-offline' | 'fetch', platform = 'metal'): string[] =>
    ignitionArgv(IGN, stage, platform, join(work, 'fetch-root'), work);
  /** What a successful fetch stage leaves: the cache, and the neednet flag when asked. */
  const writes =
    (...names: string[]) =>
    async (): Promise<void> => {
      for (const name of names) await writeFile(join(work, name), '');
    };

  describe('fetch', () => {
    it('writes user.ign 0600 in a 0700 system dir and runs fetch-offline only when no network is needed', async () => {
      runner.expect({ match: fetchArgv('fetch-offline', 'qemu'), effect: writes('ignition.json') });

      const result = await stages.fetch(CONFIG, 'qemu');

      expect(result).to.deep.equal({
        neededNetwork: false,
        ranFetch: false,
        baseConfigs: [],
        configCache: join(work, 'ignition.json'),
      });
      expect(runner.calls).to.have.length(1);
      expect(runner.calls[0]?.options.env).to.deep.equal({ ...env, IGNITION_SYSTEM_CONFIG_DIR: join(work, 'system') });
      expect(await readFile(join(work, 'system', 'user.ign'), 'utf8')).to.equal(CONFIG);
      expect((await stat(join(work, 'system', 'user.ign'))).mode & 0o777).to.equal(0o600);
      expect((await stat(join(work, 'system'))).mode & 0o777).to.equal(0o700);
      expect((await stat(work)).mode & 0o777).to.equal(0o700);
    });

    it('runs fetch when fetch-offline flagged neednet and cached nothing (the config itself is remote)', async () => {
      runner.expect(
        { match: fetchArgv('fetch-offline'), effect: writes('neednet') },
        { match: fetchArgv('fetch'), effect: writes('ignition.json') },
      );

      const result = await stages.fetch(CONFIG, 'metal');

      expect(result).to.include({ neededNetwork: true, ranFetch: true });
      expect(runner.calls.map((c) => c.argv[4])).to.deep.equal(['fetch-offline', 'fetch']);
      expect(runner.pending()).to.deep.equal([]);
    });

    it('skips fetch when fetch-offline flagged neednet but cached the config (only a file source is remote)', async () => {
      runner.expect({ match: fetchArgv('fetch-offline'), effect: writes('neednet', 'ignition.json') });

      const result = await stages.fetch(CONFIG, 'metal');

      expect(result).to.include({ neededNetwork: true, ranFetch: false });
      expect(runner.calls.map((c) => c.argv[4])).to.deep.equal(['fetch-offline']);
    });

    it('fails when the fetch stages exit 0 without caching a config', async () => {
      runner.expect({ match: fetchArgv('fetch-offline'), effect: writes('neednet') }, { match: fetchArgv('fetch') });

      const error = (await stages.fetch(CONFIG, 'metal').catch((e: unknown) => e)) as IgnitionStageError;

      expect(error).to.be.instanceOf(IgnitionStageError);
      expect(error.stage).to.equal('fetch');
      expect(error.message).to.include('Ignition stage fetch exited 0 but cached no config');
    });

    it('removes a stale neednet flag, config cache and state before fetch-offline', async () => {
      await mkdir(work, { mode: 0o700 });
      for (const stale of ['neednet', 'ignition.json', 'state']) await writeFile(join(work, stale), 'old');
      const seen: string[] = [];
      runner.expect({
        match: fetchArgv('fetch-offline'),
        effect: async () => {
          seen.push(...(await readdir(work)));
          await writes('ignition.json')();
        },
      });

      const result = await stages.fetch(CONFIG, 'metal');

      expect(result.neededNetwork).to.equal(false);
      expect(seen.sort()).to.deep.equal(['fetch-root', 'system']);
      expect(runner.calls.map((c) => c.argv[4])).to.deep.equal(['fetch-offline']);
    });

    it('maps a failed fetch-offline to IgnitionStageError with Ignition CRITICAL line and no config', async () => {
      runner.expect({
        match: fetchArgv('fetch-offline'),
        exitCode: 1,
        stdout: 'INFO : x\nCRITICAL : failed to acquire config: unsupported source scheme\n',
        stderr: DUMP,
      });

      const error = await stages.fetch(CONFIG, 'metal').then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).to.be.instanceOf(IgnitionStageError);
      const stageError = error as IgnitionStageError;
      expect(stageError.stage).to.equal('fetch-offline');
      expect(stageError.message).to.include('Ignition stage fetch-offline failed (exited with code 1)');
      expect(stageError.message).to.include('failed to acquire config: unsupported source scheme');
      expect(stageError.message).to.include('Nothing on the node was changed');
      expect(JSON.stringify(stageError) + stageError.message).to.not.include('TOPSECRET');
      expect(stageError.cause).to.equal(undefined);
      expect(runner.calls).to.have.length(1);
    });

    it('says which program is missing', async () => {
      runner.expect({ match: fetchArgv('fetch-offline'), notFound: true });

      const error = await stages.fetch(CONFIG, 'metal').catch((e: unknown) => e);

      expect(error).to.be.instanceOf(IgnitionStageError).with.property('message').that.includes(`${IGN} not found`);
    });

    it('refuses a bad platform id before writing or running anything', async () => {
      const error = await stages.fetch(CONFIG, 'x y').catch((e: unknown) => e);

      expect(error).to.be.instanceOf(InvalidCommandParamsError);
      expect(runner.calls).to.deep.equal([]);
      expect(await new NodeFs().exists(work)).to.equal(false);
    });
  });

  describe('apply', () => {
    const root = '/sysroot/ostree/deploy/fedora-coreos/deploy/abc.1';
    const freshVar = '/sysroot/ostree/deploy/fedora-coreos/var.new';
    const argv = (populateVar = true): string[] =>
      applyArgv({ ignition: IGN, platform: 'metal', root, freshVar, workDir: work, populateVar });

    it('runs mount, files and umount in one private mount namespace call, with the injected environment', async () => {
      runner.expect({ match: argv() });

      await stages.apply(root, freshVar, 'metal');

      expect(runner.calls).to.have.length(1);
      expect(runner.calls[0]?.argv.slice(0, 4)).to.deep.equal(['unshare', '--mount', '--propagation', 'private']);
      expect(runner.calls[0]?.options.env).to.deep.equal({ ...env, IGNITION_SYSTEM_CONFIG_DIR: join(work, 'system') });
    });

    it('names the stage that failed (the last marker) and quotes Ignition, never the config dump', async () => {
      runner.expect({
        match: argv(),
        exitCode: 1,
        stdout: `${STAGE_MARKER}mount\nINFO : mount passed\n${STAGE_MARKER}files\nCRITICAL : files: op(2): Error fetching file "/x": unable to fetch resource in time\n`,
        stderr: DUMP,
      });

      const error = (await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e)) as IgnitionStageError;

      expect(error).to.be.instanceOf(IgnitionStageError);
      expect(error.stage).to.equal('files');
      expect(error.message).to.match(/^Ignition stage failed: Ignition stage files failed \(exited with code 1\): /);
      expect(error.message).to.include('files: op(2): Error fetching file "/x": unable to fetch resource in time');
      expect(error.message).to.include('discard both (do not boot the new deployment)');
      expect(error.message + JSON.stringify(error)).to.not.include('TOPSECRET');
    });

    it('reports a failed bind mount of the fresh /var (no stage started) with mount message', async () => {
      runner.expect({
        match: argv(),
        exitCode: 32,
        stderr: `mount: ${root}/var: mount point does not exist.\n`,
      });

      const error = (await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e)) as IgnitionStageError;

      expect(error.stage).to.equal(BIND_VAR);
      expect(error.message).to.include('Bind-mounting the fresh /var before Ignition ran failed (exited with code 32)');
      expect(error.message).to.include('mount point does not exist');
    });

    it('passes the timeout to the Runner when one is set', async () => {
      const timed = new IgnitionStages({ runner, fs: new NodeFs(), ignition: IGN, workDir: work, timeoutMs: 5000 });
      runner.expect({ match: argv() });

      await timed.apply(root, freshVar, 'metal');

      expect(runner.calls[0]?.options.timeoutMs).to.equal(5000);
      expect(runner.calls[0]?.options.env).to.deep.equal({ IGNITION_SYSTEM_CONFIG_DIR: join(work, 'system') });
    });

    it('skips populating /var when told to (the caller populates it itself)', async () => {
      const own = new IgnitionStages({ runner, fs: new NodeFs(), ignition: IGN, workDir: work, populateVar: false });
      runner.expect({ match: argv(false) });

      await own.apply(root, freshVar, 'metal');

      expect(runner.pending()).to.deep.equal([]);
    });

    it('names a failed /var population as such, with the tool message', async () => {
      runner.expect({
        match: argv(),
        exitCode: 65,
        stdout: `${STAGE_MARKER}mount\n${STAGE_MARKER}populate-var\n`,
        stderr: '/usr/lib/tmpfiles.d/home.conf:1: Failed to resolve user "core".\n',
      });

      const error = (await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e)) as IgnitionStageError;

      expect(error.stage).to.equal('populate-var');
      expect(error.message).to.include('Populating the fresh /var between the mount and files stages');
      expect(error.message).to.include(
        '(exited with code 65): /usr/lib/tmpfiles.d/home.conf:1: Failed to resolve user',
      );
    });

    it('says so when the run was killed or timed out', async () => {
      runner.expect({ match: argv(), effect: () => Promise.reject(killed()) });

      const error = (await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e)) as IgnitionStageError;

      expect(error.stage).to.equal('umount');
      expect(error.message).to.include('Ignition stage umount failed (was killed or timed out): no message');
    });

    it('lets an error that is not a failed command through unchanged', async () => {
      const boom = new Error('runner broke');
      runner.expect({ match: argv(), effect: () => Promise.reject(boom) });

      const error = await stages.apply(root, freshVar, 'metal').catch((e: unknown) => e);

      expect(error).to.equal(boom);
    });

    it('refuses a relative root before running anything', async () => {
      const error = await stages.apply('new', freshVar, 'metal').catch((e: unknown) => e);

      expect(error).to.be.instanceOf(InvalidCommandParamsError);
      expect(runner.calls).to.deep.equal([]);
    });
  });
});

/** A ProcessError as the Runner throws it for a killed command (exit code null), after all three markers. */
function killed(): ProcessError {
  const stdout = `${STAGE_MARKER}mount\n${STAGE_MARKER}files\n${STAGE_MARKER}umount\n`;
  return new ProcessError('Command unshare was killed', ['unshare'], null, stdout, '', false);
}
