import { expect } from 'chai';
import { checkConfigText, issueLine } from '../../ignition/config-text.js';

describe('ignition/config-text checkConfigText', () => {
  it('accepts a valid config, keeping its warnings', () => {
    const checked = checkConfigText('{"ignition": {"version": "3.4.0"}, "unknownKey": 1}');
    expect(checked.kind).to.equal('ok');
    if (checked.kind === 'ok') expect(checked.warnings.map(issueLine)).to.have.length(1);
  });

  it('says text is not JSON', () => {
    const checked = checkConfigText('variant: fcos');
    expect(checked.kind).to.equal('not-json');
  });

  it('lists the errors and the version of an invalid config', () => {
    const checked = checkConfigText('{"ignition": {"version": "2.2.0"}}');
    expect(checked.kind).to.equal('invalid');
    if (checked.kind === 'invalid') {
      expect(checked.version).to.equal('2.2.0');
      expect(checked.errors.map(issueLine)[0]).to.match(/^\$\.ignition\.version: unsupported config version 2\.2\.0/);
    }
  });

  it('gives no version for JSON null', () => {
    const checked = checkConfigText('null');
    expect(checked).to.deep.include({ kind: 'invalid', version: undefined });
  });
});
