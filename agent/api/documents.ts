/** The static JSON documents of `/` and `/v1/` (IPA api/app.py shapes). */

const DOCS_URL = 'https://docs.openstack.org/ironic-python-agent';
const MEDIA_TYPE = 'application/vnd.openstack.ironic-python-agent.v1+json';

interface Link {
  href: string;
  rel: string;
  type?: string;
}

function link(root: string, rel: 'self' | 'bookmark', resource: string, versioned: boolean): Link {
  return { href: versioned ? `${root}/v1/${resource}` : `${root}/${resource}`, rel };
}

/** IPA's version object for `v1`. */
export function versionDocument(root: string): { id: string; links: Link[] } {
  return {
    id: 'v1',
    links: [
      { href: `${root}/v1`, rel: 'self' },
      { href: `${DOCS_URL}/`, rel: 'describedby', type: 'text/html' },
    ],
  };
}

/** `GET /` */
export function rootDocument(root: string): Record<string, unknown> {
  return {
    name: 'OpenStack Ironic Python Agent API',
    description: 'Ironic Python Agent is a provisioning agent for OpenStack Ironic',
    versions: [versionDocument(root)],
    default_version: versionDocument(root),
  };
}

/** `GET /v1/` */
export function v1Document(root: string): Record<string, unknown> {
  return {
    commands: [link(root, 'self', 'commands', true), link(root, 'bookmark', 'commands', false)],
    status: [link(root, 'self', 'status', true), link(root, 'bookmark', 'status', false)],
    media_types: [{ base: 'application/json', type: MEDIA_TYPE }],
    ...versionDocument(root),
  };
}
