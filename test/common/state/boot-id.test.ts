import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BOOT_ID_PATH, readBootId } from '../../../common/state/boot-id.js';

describe('common/state/boot-id', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-boot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the running kernel's boot id", () => {
    expect(readBootId(DEFAULT_BOOT_ID_PATH)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('trims and lower-cases the id, and rejects a file without one', () => {
    const good = join(dir, 'good');
    const bad = join(dir, 'bad');
    writeFileSync(good, '0B5C1A2E-7F43-4D1E-9A55-1C2B3D4E5F60\n');
    writeFileSync(bad, 'hello world\n');

    expect(readBootId(good)).to.equal('0b5c1a2e-7f43-4d1e-9a55-1c2b3d4e5f60');
    expect(() => readBootId(bad)).to.throw(`${bad} does not hold a boot id`);
  });
});
