import { expect } from 'chai';
import { imageReference } from '../../../ignition/build/image-ref.js';

describe('ignition/build/image-ref', () => {
  const ok: [string | undefined, string | undefined, string | undefined, string][] = [
    ['quay.io/example', undefined, undefined, 'quay.io/example/ironic-coreos-agent:latest'],
    ['quay.io/example/', 'agent', 'v1.2', 'quay.io/example/agent:v1.2'],
    ['registry.local:5000', undefined, 'dev', 'registry.local:5000/ironic-coreos-agent:dev'],
    ['localhost', 'a/b', undefined, 'localhost/a/b:latest'],
    [undefined, 'quay.io/x/agent', undefined, 'quay.io/x/agent:latest'],
    [undefined, 'quay.io/x/agent:1.0', undefined, 'quay.io/x/agent:1.0'],
    [undefined, 'registry.local:5000/agent', 'main', 'registry.local:5000/agent:main'],
    [undefined, `quay.io/x/agent@sha256:${'a'.repeat(64)}`, undefined, `quay.io/x/agent@sha256:${'a'.repeat(64)}`],
    ['quay.io/x', `agent@sha256:${'a'.repeat(64)}`, undefined, `quay.io/x/agent@sha256:${'a'.repeat(64)}`],
    ['quay.io/x', 'team/agent', undefined, 'quay.io/x/team/agent:latest'],
  ];
  for (const [registry, image, tag, expected] of ok) {
    it(`builds ${expected}`, () => {
      expect(imageReference(registry, image, tag)).to.deep.equal({ ref: expected });
    });
  }

  const bad: [string | undefined, string | undefined, string | undefined, RegExp][] = [
    [undefined, undefined, undefined, /not fully qualified.*--registry/],
    [undefined, 'example/agent', undefined, /not fully qualified/],
    ['quay.io/example', 'Agent', undefined, /not a valid image reference/],
    ['quay.io/ex ample', undefined, undefined, /--registry .* is not a registry/],
    ['https://quay.io', undefined, undefined, /is not a registry/],
    [undefined, 'quay.io/x/agent:1.0', 'v2', /already has a tag/],
    ['quay.io/x', undefined, 'bad tag', /--tag "bad tag" is not a valid tag/],
    [undefined, 'quay.io/x/agent@sha256:abc', undefined, /not a valid image reference/],
    // A full --image under --registry would become quay.io/x/quay.io/...
    [
      'quay.io/x',
      'quay.io/y/agent:1.0',
      undefined,
      /^--image "quay\.io\/y\/agent:1\.0" is already a full reference \(it names the registry quay\.io\), so --registry "quay\.io\/x" would be put in front of it: drop --registry, or give --image only the name/,
    ],
    [
      'quay.io/x',
      `quay.io/y/agent@sha256:${'b'.repeat(64)}`,
      undefined,
      /already a full reference \(it names the registry quay\.io\)/,
    ],
    [
      'registry.local:5000',
      'registry.local:5000/agent',
      undefined,
      /already a full reference \(it names the registry registry\.local:5000\)/,
    ],
    ['quay.io/x', 'localhost/agent', undefined, /already a full reference \(it names the registry localhost\)/],
  ];
  for (const [registry, image, tag, message] of bad) {
    it(`rejects registry=${String(registry)} image=${String(image)} tag=${String(tag)}`, () => {
      const result = imageReference(registry, image, tag);

      expect(result).to.have.property('error').that.matches(message);
    });
  }
});
