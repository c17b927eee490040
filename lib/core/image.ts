import { ProblemList, show } from './errors';

/** `registry/repo:tag`, `repo@sha256:…`; rejects a missing tag and `:latest`. */
export function checkImage(problems: ProblemList, prop: string, value: string): boolean {
  const ref = parseImage(value);
  if (!ref) {
    problems.add(prop, `${show(value)} is not an image reference`, 'use "registry/repository:tag", e.g. "ghcr.io/acme/app:1.4.2".');
    return false;
  }
  if (!ref.tag && !ref.digest) {
    problems.add(prop, `${show(value)} has no tag, so the cluster runs whatever "latest" is at pull time`,
      `pin a version: ${show(`${value}:1.0.0`)} or a digest "@sha256:…".`);
    return false;
  }
  if (ref.tag === 'latest' && !ref.digest) {
    problems.add(prop, `${show(value)} uses the mutable tag "latest"`, 'pin a version tag like ":1.4.2" or a digest "@sha256:…".');
    return false;
  }
  return true;
}

export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * The image reference grammar of distribution/reference (what the kubelet
 * and the container runtimes parse): `[host[:port]/]path[:tag][@digest]`,
 * the host a domain name, or an IPv6 address in brackets.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const IMAGE = new RegExp(`^((?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`);
/** The digest algorithms the runtimes verify (opencontainers/go-digest), with their lowercase hex length. */
const DIGEST_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
/** distribution/reference's limit on the name (host and path). */
const IMAGE_NAME_MAX = 255;

export function parseImage(value: string): ImageRef | undefined {
  if (typeof value !== 'string') return undefined;
  const m = IMAGE.exec(value);
  if (!m || m[1].length > IMAGE_NAME_MAX) return undefined;
  const digest = m[3];
  if (digest !== undefined) {
    const [algorithm, hex] = digest.split(':');
    if (!Object.hasOwn(DIGEST_LENGTH, algorithm) || hex.length !== DIGEST_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) return undefined;
  }
  return { repository: m[1], tag: m[2], digest };
}
