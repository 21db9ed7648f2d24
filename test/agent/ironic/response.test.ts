import { expect } from 'chai';
import { decodeFault, responseError } from '../../../agent/ironic/response.js';

describe('ironic/response', () => {
  const cases: [string, string, string][] = [
    [
      'Ironic error_message (JSON string)',
      '{"error_message": "{\\"faultcode\\": \\"Client\\", \\"faultstring\\": \\"Invalid or missing agent token received.\\", \\"debuginfo\\": null}"}',
      'Invalid or missing agent token received.',
    ],
    ['error_message as an object', '{"error_message": {"faultstring": "locked"}}', 'locked'],
    ['a bare fault object', '{"faultcode": "Server", "faultstring": "boom"}', 'boom'],
    ['a title', '{"title": "Not Acceptable", "description": "x"}', 'Not Acceptable'],
    ['error_message that is not JSON', '{"error_message": "plain words"}', '{"error_message": "plain words"}'],
    ['HTML', '<html><body>502 Bad Gateway</body></html>', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty body', '', ''],
    ['a JSON array', '[1]', '[1]'],
  ];
  for (const [name, body, expected] of cases) {
    it(`decodes ${name}`, () => {
      expect(decodeFault(body)).to.equal(expected);
    });
  }

  it('formats the error as IPA does: "Error <status>: <fault>"', () => {
    const error = responseError(409, '{"error_message": "{\\"faultstring\\": \\"Node is locked\\"}"}');

    expect(error.message).to.equal('Error 409: Node is locked');
    expect(error.status).to.equal(409);
    expect(error.faultstring).to.equal('Node is locked');
  });
});
