/**
 * End to end: the image built with `--build-arg BURNIN=true` (container/README.md,
 * "Burn-in") has the default image's commands and stress-ng, every one of them
 * starts, and stress-ng runs the burn-in steps' exact argv. The default image
 * (test/container/image.test.ts) has no stress-ng.
 *
 * Slow: it builds the image, one to three minutes. SKIP_CONTAINER_TESTS=1 skips it.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stressNgArgv } from '../../agent/hardware/generic/burnin.js';
import { buildAgentImage } from '../../testbed/agent-image.js';
import type { Podman } from '../../testbed/podman.js';
import { imageSuitePodman } from '../helpers/container-suite.js';
import { imageCommands } from '../helpers/container-tools.js';
import { commandsOnPath, failedVersionRuns, versionRuns } from '../helpers/tool-versions.js';

describe('container image built with BURNIN=true', function () {
  this.timeout(30 * 60_000);
  const image = `localhost/ironic-coreos-agent-test/agent-burnin:${randomBytes(4).toString('hex')}`;
  let dir: string | undefined;
  let podman: Podman;
  let built = false;

  before(async function () {
    ({ dir, podman } = await imageSuitePodman(this, '/var/tmp/ign-image-burnin-'));
    built = true;
    await buildAgentImage(podman, image, dir, { burnin: true });
  });

  after(async () => {
    if (dir === undefined) return;
    if (built) await podman.run(['rmi', '-f', image], { okExitCodes: [0, 1, 125] });
    await rm(dir, { recursive: true, force: true });
  });

  it('says so in its label and has on PATH the default commands and the burn-in ones, and nothing else', async () => {
    const shipped = await imageCommands({ burnin: true });

    const labels = await podman.run(['image', 'inspect', '--format', '{{json .Config.Labels}}', image]);
    const onPath = await commandsOnPath(podman, image);

    expect(JSON.parse(labels.stdout)).to.include({ 'io.github.ironic-coreos-agent.burnin': 'true' });
    expect(onPath).to.deep.equal(shipped);
  });

  it('starts every command it ships, stress-ng 0.15.06 included', async () => {
    const runs = await versionRuns(podman, image, await imageCommands({ burnin: true }));

    expect(failedVersionRuns(runs)).to.deep.equal([]);
    expect(runs['stress-ng']?.output).to.match(/^stress-ng, version 0\.15\.06\b/);
  });

  it("accepts the burn-in steps' exact stress-ng argv (cpu and vm, with a log file) and runs them for a second", async () => {
    const logs = join(dir ?? '', 'burnin');
    await mkdir(logs);
    const node = {
      uuid: 'burnin',
      driver_info: {
        agent_burnin_cpu_timeout: '1',
        agent_burnin_cpu_outputfile: '/burnin/cpu.log',
        agent_burnin_vm_vm: '1',
        agent_burnin_vm_timeout: '1s',
        'agent_burnin_vm_vm-bytes': '2%',
        agent_burnin_vm_outputfile: '/burnin/vm.log',
      },
    };

    for (const stressor of ['cpu', 'vm'] as const) {
      const [command = '', ...args] = stressNgArgv(node, stressor);
      const result = await podman.run(
        ['run', '--rm', '-v', `${logs}:/burnin`, '--entrypoint', command, image, ...args],
        { okExitCodes: [0, 1, 2, 3, 4] },
      );

      const output = `${result.stdout}${result.stderr}`;
      expect(result.exitCode, `${stressor}: ${output}`).to.equal(0);
      expect(output, stressor).to.match(new RegExp(`metrc: .*\\b${stressor}\\s+\\d+`));
      expect(await readFile(join(logs, `${stressor}.log`), 'utf8'), stressor).to.contain('successful run completed');
    }
  });
});
