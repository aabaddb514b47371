// Container image references (`registry:5000/team/app:1.2@sha256:...`), read the way Kubernetes reads them
// through the Docker reference grammar: the pull-policy default depends on the tag, and a reference the grammar
// rejects has no tag at all (so it is not treated as `latest`).

export interface ImageReference {
  /** `registry:5000/team/app`, as written (not normalised to docker.io). */
  repository: string;
  /** Empty when the reference names no tag. */
  tag: string;
  /** Empty when the reference names no digest. */
  digest: string;
}

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const namePattern = new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*$`);
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const maxNameLength = 255;

/** Splits and checks a reference; `undefined` when the Docker grammar rejects it. */
export function parseImageReference(image: string): ImageReference | undefined {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let tag = '';
  // A colon after the last slash separates the tag; one before it belongs to a registry port.
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return undefined;
  }
  if (rest.length === 0 || rest.length > maxNameLength || !namePattern.test(rest)) return undefined;
  // The part after a registry must be lower case (Docker: "repository name must be lowercase").
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  const remote = hasDomain ? rest.slice(slash + 1) : rest;
  if (remote.toLowerCase() !== remote) return undefined;
  // A bare 64-hex name would be mistaken for an image ID.
  if (/^[a-f0-9]{64}$/.test(remote)) return undefined;
  return { repository: rest, tag, digest };
}

/**
 * The tag Kubernetes sees: the written one, `latest` when neither tag nor digest is given, and '' for a digest
 * without a tag or a reference that does not parse.
 */
export function effectiveImageTag(image: string): string {
  const ref = parseImageReference(image);
  if (!ref) return '';
  if (!ref.tag && !ref.digest) return 'latest';
  return ref.tag;
}
