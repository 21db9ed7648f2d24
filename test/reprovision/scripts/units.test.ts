import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { bootUnit, switchUnit, type UnitFiles } from '../../../reprovision/scripts/units.js';

/** `systemd-analyze verify` on the unit text, as a file named like the unit. */
async function verify(unit: UnitFiles): Promise<{ exitCode: number | null; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ica-units-'));
  try {
    const path = join(dir, unit.path.split('/').pop()!);
    await writeFile(path, unit.text);
    const result = await new ExecaRunner().run(['systemd-analyze', 'verify', path], { okExitCodes: [0, 1] });
    return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('reprovision/scripts/units', () => {
  for (const [name, unit] of [
    ['switch', switchUnit('apply-0123456789ab')],
    ['boot', bootUnit('apply-0123456789ab')],
  ] as const) {
    it(`the ${name} unit passes systemd-analyze verify`, async () => {
      const result = await verify(unit);
      expect(result.output).to.equal('');
      expect(result.exitCode).to.equal(0);
    });
  }

  it('proves verify can fail (a unit without ExecStart)', async () => {
    const unit = switchUnit('x');
    const result = await verify({ ...unit, text: unit.text.replace(/^Exec.*$/gm, '') });
    expect(result.exitCode).to.not.equal(0);
  });

  it('runs the switch at shutdown and finishes an interrupted one at boot', () => {
    const unit = switchUnit('apply-1');
    expect(unit.text).to.match(
      /^ExecStop=\/bin\/sh \/var\/.ironic-coreos-agent\/reprovision\/apply-1.switch.sh \/var \/boot \/sysroot$/m,
    );
    expect(unit.text).to.match(/^ExecStart=.*apply-1.switch.sh --if-started /m);
    expect(unit.wants).to.deep.equal({
      link: 'systemd/system/local-fs.target.wants/ironic-coreos-agent-reprovision-switch.service',
      target: '/etc/systemd/system/ironic-coreos-agent-reprovision-switch.service',
    });
  });
});
