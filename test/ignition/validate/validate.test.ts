import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { ignitionErrors, summarizeIssues, validateIgnition } from '../../../ignition/validate/validate.js';
import type { IgnitionIssue } from '../../../ignition/validate/issue.js';
import { CORPUS } from './corpus.js';

type Verdict = 'clean' | 'warning' | 'error';

function ourVerdict(issues: IgnitionIssue[]): Verdict {
  if (issues.some((i) => i.severity === 'error')) return 'error';
  return issues.length > 0 ? 'warning' : 'clean';
}

/** Debian's ignition-validate on the config text (3.4.0 spelled 3.4.0-experimental for Ignition 2.14). */
function realVerdict(config: unknown): { verdict: Verdict; output: string } {
  const text = JSON.stringify(config).replace('"version":"3.4.0"', '"version":"3.4.0-experimental"');
  const run = spawnSync('ignition-validate', ['-'], { input: text, encoding: 'utf8' });
  if (run.error !== undefined)
    throw new Error(`ignition-validate could not run (${run.error.message}); install the Debian package "ignition"`);
  const output = `${run.stdout}${run.stderr}`.trim();
  return { verdict: run.status !== 0 ? 'error' : output === '' ? 'clean' : 'warning', output };
}

describe('ignition/validate', () => {
  describe('agrees with Debian ignition-validate 2.14', () => {
    it('has a corpus of at least 25 valid and 25 invalid configs over specs 3.0 to 3.4', () => {
      const versions = new Set(CORPUS.map((e) => (e.config as { ignition?: { version?: unknown } }).ignition?.version));

      expect(CORPUS.filter((e) => e.verdict === 'clean').length).to.be.at.least(12);
      expect(CORPUS.filter((e) => e.verdict !== 'clean').length).to.be.at.least(25);
      expect(CORPUS.length).to.be.at.least(50);
      for (const version of ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'])
        expect(versions.has(version), version).to.equal(true);
    });

    for (const entry of CORPUS) {
      it(`${entry.verdict}: ${entry.name}`, () => {
        const real = realVerdict(entry.config);

        const ours = validateIgnition(entry.config);

        expect(real.verdict, `ignition-validate said: ${real.output}`).to.equal(entry.verdict);
        expect(ourVerdict(ours), `ours: ${JSON.stringify(ours)}; real: ${real.output}`).to.equal(real.verdict);
      });
    }
  });

  describe('issues', () => {
    it('names the JSON path and the problem', () => {
      const issues = validateIgnition({
        ignition: { version: '3.0.0' },
        storage: { files: [{ path: '/ok' }, { path: 'rel' }] },
      });

      expect(issues).to.deep.equal([
        { path: '$.storage.files.1.path', message: 'path not absolute', severity: 'error' },
      ]);
    });

    it('reports a type error without looking further into that value', () => {
      const issues = validateIgnition({
        ignition: { version: '3.2.0' },
        storage: { files: [{ path: 'rel', mode: '0644' }] },
      });

      expect(issues).to.deep.equal([
        { path: '$.storage.files.0.mode', message: 'expected an integer, found string', severity: 'error' },
      ]);
    });

    it('accepts 3.4.0-experimental and refuses other pre-releases', () => {
      expect(validateIgnition({ ignition: { version: '3.4.0-experimental' } })).to.deep.equal([]);
      expect(ignitionErrors(validateIgnition({ ignition: { version: '3.2.0-experimental' } }))).to.have.length(1);
    });

    it('checks a newer 3.x version with the 3.4 rules and warns instead of refusing it', () => {
      const issues = validateIgnition({ ignition: { version: '3.5.0' }, storage: { files: [{ path: 'rel' }] } });

      expect(issues.map((i) => [i.path, i.severity])).to.deep.equal([
        ['$.ignition.version', 'warning'],
        ['$.storage.files.0.path', 'error'],
      ]);
    });

    it('refuses a config that is not an object', () => {
      expect(ignitionErrors(validateIgnition([]))).to.have.length(1);
      expect(ignitionErrors(validateIgnition('{"ignition":{}}'))).to.have.length(1);
    });

    it('never quotes file contents or hashes in messages', () => {
      const secret = 'data:,s3cr3t-password value';
      const issues = validateIgnition({
        ignition: { version: '3.1.0' },
        storage: { files: [{ path: '/a', contents: { source: secret } }] },
      });

      expect(issues).to.have.length(1);
      expect(JSON.stringify(issues)).not.to.contain('s3cr3t');
    });

    it('summarizes the first issues and counts the rest', () => {
      const issues: IgnitionIssue[] = ['a', 'b', 'c', 'd', 'e'].map((p) => ({
        path: `$.${p}`,
        message: 'bad',
        severity: 'error',
      }));

      expect(summarizeIssues(issues)).to.equal('$.a: bad; $.b: bad; $.c: bad (and 2 more)');
      expect(summarizeIssues(issues.slice(0, 1))).to.equal('$.a: bad');
    });
  });
});
