import { expect } from 'chai';
import { MAX_LINES, failureText, ignitionFailure } from '../../../reprovision/staged/ignition-output.js';

/** What Ignition 2.14 printed (stdout then stderr) when a file's http source was refused. */
const FILES_FAILED = [
  'INFO     : Ignition 2.14.0',
  'ERROR    : unable to open syslog: Unix syslog delivery error',
  'INFO     : files: createFilesystemsFiles: createFiles: op(2): GET error: Get "http://127.0.0.1:9/x": connection refused',
  'CRITICAL : files: createFilesystemsFiles: createFiles: op(2): Error fetching file "/r/var/lib/x/y": unable to fetch resource in time',
  'CRITICAL : Ignition failed: failed to create files: unable to fetch resource in time',
  'files failed',
  'Full config:',
  '{',
  '  "passwd": {',
  '    "users": [{ "name": "core", "passwordHash": "$6$SECRET" }]',
  '  },',
  '  "storage": { "files": [{ "contents": { "source": "data:,CRITICAL%20:%20secret" } }] }',
  '}',
  '',
].join('\n');

describe('reprovision/staged/ignition-output', () => {
  const rows: { name: string; output: string; critical: string[]; errors: string[] }[] = [
    { name: 'empty output', output: '', critical: [], errors: [] },
    {
      name: 'a failed files stage: CRITICAL lines in order, syslog noise dropped',
      output: FILES_FAILED,
      critical: [
        'files: createFilesystemsFiles: createFiles: op(2): Error fetching file "/r/var/lib/x/y": unable to fetch resource in time',
        'Ignition failed: failed to create files: unable to fetch resource in time',
      ],
      errors: [],
    },
    {
      name: 'ERROR lines without CRITICAL',
      output: 'ERROR    : first\nINFO : x\nERROR    : second\n',
      critical: [],
      errors: ['first', 'second'],
    },
    {
      name: 'a config dump line that looks like a log line is never read',
      output: 'Full config:\n{\n  "x": "y",\nCRITICAL : inside the dump\n}\nCRITICAL : after\n',
      critical: ['after'],
      errors: [],
    },
    {
      name: 'a dump cut short hides everything after it',
      output: 'CRITICAL : before\nFull config:\n{\n  "secret": 1,\nCRITICAL : cut\n',
      critical: ['before'],
      errors: [],
    },
    {
      name: '"Full config:" followed by no JSON (marshalling failed) hides nothing else',
      output: 'Full config:\nCould not marshal full config: x\nCRITICAL : kept\n',
      critical: ['kept'],
      errors: [],
    },
    {
      name: 'a failed useradd quoted with its --password hash (Ignition 2.14 output): the hash is redacted',
      output:
        'CRITICAL : files: ensureUsers: op(1): [failed]   creating or modifying user "ops": exit status 6: Cmd: "useradd" "--root" "/r" "--create-home" "--password" "$6$SECRET\\"HASH" "--gid" "nosuchgroup" "ops" Stdout: "" Stderr: "useradd: group \'nosuchgroup\' does not exist\\n"\n',
      critical: [
        'files: ensureUsers: op(1): [failed]   creating or modifying user "ops": exit status 6: Cmd: "useradd" "--root" "/r" "--create-home" "--password" "<redacted>" "--gid" "nosuchgroup" "ops" Stdout: "" Stderr: "useradd: group \'nosuchgroup\' does not exist\\n"',
      ],
      errors: [],
    },
    {
      name: 'only the last lines are kept',
      output: Array.from({ length: MAX_LINES + 2 }, (_, i) => `CRITICAL : c${i}`).join('\n'),
      critical: Array.from({ length: MAX_LINES }, (_, i) => `c${i + 2}`),
      errors: [],
    },
  ];
  for (const row of rows) {
    it(`ignitionFailure: ${row.name}`, () => {
      const failure = ignitionFailure(row.output);

      expect(failure).to.deep.equal({ critical: row.critical, errors: row.errors });
    });
  }

  it('never returns anything from the config dump', () => {
    expect(JSON.stringify(ignitionFailure(FILES_FAILED)))
      .to.not.include('SECRET')
      .and.not.include('secret');
  });

  describe('failureText', () => {
    const cases: { name: string; critical: string[]; errors: string[]; expected: string }[] = [
      { name: 'CRITICAL lines first', critical: ['a', 'b'], errors: ['e'], expected: 'a; b' },
      { name: 'else ERROR lines', critical: [], errors: ['e1', 'e2'], expected: 'e1; e2' },
      { name: 'else the fallback', critical: [], errors: [], expected: 'fallback' },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(failureText({ critical: c.critical, errors: c.errors }, 'fallback')).to.equal(c.expected);
      });
    }
  });
});
