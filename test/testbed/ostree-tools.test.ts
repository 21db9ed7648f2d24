import { expect } from 'chai';
import { IN_ROOT_SCRIPT } from '../../testbed/ironic-roots.js';
import { wrapperScript } from '../../testbed/ostree-tools.js';

describe('testbed/ostree-tools', () => {
  it("the wrapper execs in-root.sh with the root, binds outside /tmp and /var/tmp, then ostree and the caller's arguments", () => {
    const script = wrapperScript('/roots/forky-1', ['/srv/it is', '/var/tmp/x']);

    const lines = script.split('\n');
    expect(lines[0]).to.equal('#!/bin/sh');
    expect(lines[2]).to.match(/^exec \/bin\/bash .+ \/roots\/forky-1 --bind '\/srv\/it is' -- ostree "\$@"$/);
    expect(lines[2]).to.include(IN_ROOT_SCRIPT.includes(' ') ? `'${IN_ROOT_SCRIPT}'` : IN_ROOT_SCRIPT);
  });
});
