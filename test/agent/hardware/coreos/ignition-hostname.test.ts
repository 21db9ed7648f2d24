import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import {
  addHostnameFile,
  chooseHostname,
  isValidHostname,
  urlQuote,
} from '../../../../agent/hardware/coreos/ignition-hostname.js';
import { validateIgnition } from '../../../../ignition/validate/validate.js';

const hostnameEntry = (source: string): Record<string, unknown> => ({
  path: '/etc/hostname',
  mode: 420,
  overwrite: true,
  contents: { source },
});

describe('hardware/coreos/ignition-hostname', () => {
  describe('urlQuote (Python quote, safe "/")', () => {
    const cases = [
      ['node-1.example.com', 'node-1.example.com'],
      ['a b', 'a%20b'],
      ['x/y~z_', 'x/y~z_'],
      ['é', '%C3%A9'],
      ['a!b', 'a%21b'],
    ] as const;
    for (const [input, output] of cases) {
      it(`${JSON.stringify(input)} → ${output}`, () => expect(urlQuote(input)).to.equal(output));
    }
  });

  describe('isValidHostname', () => {
    const cases = [
      ['node-1', true],
      ['a.b.c', true],
      ['node_1', false],
      ['-a', false],
      ['a.', false],
      ['', false],
      ['x'.repeat(65), false],
    ] as const;
    for (const [name, valid] of cases)
      it(`${JSON.stringify(name)} → ${valid}`, () => expect(isValidHostname(name)).to.equal(valid));
  });

  describe('addHostnameFile', () => {
    it('creates a minimal 3.0.0 config with the file when there is no Ignition', () => {
      const merge = addHostnameFile(null, 'node-1');

      expect(merge).to.deep.equal({
        action: 'added',
        config: { ignition: { version: '3.0.0' }, storage: { files: [hostnameEntry('data:,node-1')] } },
      });
      expect(validateIgnition(merge.config)).to.deep.equal([]);
    });

    it('appends to the user files without modifying the input', () => {
      const user = {
        ignition: { version: '3.4.0' },
        storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,hi' } }], directories: [{ path: '/d' }] },
      };
      const before = JSON.stringify(user);

      const merge = addHostnameFile(user, 'n1');

      expect(JSON.stringify(user)).to.equal(before);
      expect(merge.action).to.equal('added');
      expect(merge.config).to.deep.equal({
        ...user,
        storage: { ...user.storage, files: [...user.storage.files, hostnameEntry('data:,n1')] },
      });
    });

    it('keeps a user-supplied /etc/hostname file', () => {
      const user = { ignition: { version: '3.1.0' }, storage: { files: [hostnameEntry('data:,mine')] } };

      const merge = addHostnameFile(user, 'theirs');

      expect(merge).to.deep.equal({ action: 'kept-user-entry', config: user });
    });

    it('keeps a user-supplied /etc/hostname link', () => {
      const user = {
        ignition: { version: '3.3.0' },
        storage: { links: [{ path: '/etc/hostname', target: '/run/hostname' }] },
      };

      expect(addHostnameFile(user, 'x').action).to.equal('kept-user-entry');
    });

    it('leaves the config alone without a hostname', () => {
      expect(addHostnameFile(null, null)).to.deep.equal({ action: 'no-hostname', config: null });
    });
  });

  describe('chooseHostname', () => {
    it('prefers meta_data local-hostname, then local_hostname', () => {
      expect(chooseHostname({ 'local-hostname': 'a', local_hostname: 'b' }, 'c', 'd')).to.deep.equal({
        hostname: 'a',
        source: 'meta_data local-hostname',
        skipped: [],
      });
      expect(chooseHostname({ local_hostname: 'b' }, 'c', 'd').source).to.equal('meta_data local_hostname');
    });

    it('falls back to the node name, then the agent hostname, skipping invalid and localhost names', () => {
      expect(chooseHostname({}, 'node-3', 'live')).to.deep.equal({
        hostname: 'node-3',
        source: 'node name',
        skipped: [],
      });
      expect(chooseHostname({}, 'node_3', 'live-host')).to.deep.equal({
        hostname: 'live-host',
        source: 'agent hostname',
        skipped: ['node name'],
      });
      expect(chooseHostname({}, null, 'localhost.localdomain')).to.deep.equal({
        hostname: null,
        source: null,
        skipped: [],
      });
    });

    it('refuses an invalid meta_data hostname, naming the key', () => {
      expect(() => chooseHostname({ 'local-hostname': 'bad name' }, 'n', null)).to.throw(
        DeploymentError,
        'meta_data local-hostname is not a valid hostname',
      );
    });
  });
});
