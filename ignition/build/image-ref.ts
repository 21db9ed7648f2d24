/**
 * Builds and checks the agent image reference from `--registry`, `--image`
 * and `--tag`. The result must be fully qualified: podman on CoreOS runs
 * without a TTY, so a short name it would have to resolve interactively
 * fails at boot instead of here.
 */

/** Default repository name of the agent image. */
export const DEFAULT_IMAGE_NAME = 'ironic-coreos-agent';
/** Default tag. */
export const DEFAULT_TAG = 'latest';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const DOMAIN = `${LABEL}(?:\\.${LABEL})*(?::[0-9]{1,5})?`;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const REFERENCE = new RegExp(`^(${DOMAIN})/(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const REGISTRY = new RegExp(`^${DOMAIN}(?:/${COMPONENT})*$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);

/** The parts of an image name: repository, and the tag or digest it already carries. */
function splitName(name: string): { repo: string; tag: string | null; digest: string | null } {
  const at = name.indexOf('@');
  const digest = at >= 0 ? name.slice(at + 1) : null;
  const rest = at >= 0 ? name.slice(0, at) : name;
  const colon = rest.lastIndexOf(':');
  const tagged = colon > rest.lastIndexOf('/');
  return { repo: tagged ? rest.slice(0, colon) : rest, tag: tagged ? rest.slice(colon + 1) : null, digest };
}

/** True when the first path component names a registry host (has a dot or port, or is localhost). */
function isQualified(domain: string): boolean {
  return domain.includes('.') || domain.includes(':') || domain === 'localhost';
}

/**
 * The full image reference, e.g. `quay.io/example/ironic-coreos-agent:latest`.
 * @param registry - `--registry` (host[:port][/namespace]) or undefined
 * @param image - `--image`: a name, or a full reference when no registry is given
 * @param tag - `--tag`, or undefined for the image's own tag or `latest`
 * @returns the reference, or an error message
 */
export function imageReference(
  registry: string | undefined,
  image: string | undefined,
  tag: string | undefined,
): { ref: string } | { error: string } {
  if (registry !== undefined && !REGISTRY.test(registry.replace(/\/+$/, ''))) {
    return {
      error: `--registry "${registry}" is not a registry (expected host[:port][/namespace], e.g. quay.io/example)`,
    };
  }
  if (tag !== undefined && !TAG_ONLY.test(tag)) return { error: `--tag "${tag}" is not a valid tag` };
  const slash = image?.indexOf('/') ?? -1;
  if (registry !== undefined && image !== undefined && slash > 0 && isQualified(image.slice(0, slash))) {
    return {
      error:
        `--image "${image}" is already a full reference (it names the registry ${image.slice(0, slash)}), so --registry ` +
        `"${registry}" would be put in front of it: drop --registry, or give --image only the name (e.g. ${DEFAULT_IMAGE_NAME})`,
    };
  }
  const parts = splitName(image ?? DEFAULT_IMAGE_NAME);
  if (tag !== undefined && (parts.tag !== null || parts.digest !== null)) {
    return { error: `--image "${image ?? ''}" already has a tag or digest; drop --tag or the one in --image` };
  }
  const repo = registry !== undefined ? `${registry.replace(/\/+$/, '')}/${parts.repo}` : parts.repo;
  const suffix =
    parts.digest !== null
      ? `${parts.tag !== null ? `:${parts.tag}` : ''}@${parts.digest}`
      : `:${parts.tag ?? tag ?? DEFAULT_TAG}`;
  const ref = `${repo}${suffix}`;
  const match = REFERENCE.exec(ref);
  const qualified = repo.includes('/') && isQualified(repo.slice(0, repo.indexOf('/')));
  if (!qualified && (match !== null || REFERENCE.exec(`localhost/${ref}`) !== null)) {
    return {
      error:
        `image "${ref}" is not fully qualified and podman on CoreOS cannot ask which registry to use: ` +
        'pass --registry (e.g. quay.io/example) or a full --image such as quay.io/example/ironic-coreos-agent',
    };
  }
  if (match === null)
    return { error: `"${ref}" is not a valid image reference (lower-case name, optional :tag or @sha256:digest)` };
  return { ref };
}
