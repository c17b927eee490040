import { ProblemList, show } from '../core/errors';
import { checkIntRange, checkList, checkStringList, isRecord } from '../core/rules';
import type { ProbeType } from './ports';
import { AnyProbe, APP_PROBE_TIMING, ProbeKind, ProbePorts, ProbeProps, ProbesProps, ProbeTiming, probeTarget, probeType, startupFollowing } from './probes';

/**
 * The checks of a container's probes: each against its type (a declared
 * port, a path, headers, a command, no prop of another type, thresholds
 * the API server takes), and together (an HTTP probe on a port another
 * probe checks with gRPC never passes).
 */
const TIMING_KEYS = ['initialDelaySeconds', 'periodSeconds', 'failureThreshold', 'timeoutSeconds', 'successThreshold', 'terminationGracePeriodSeconds'] as const;

/** The props of each probe type besides the timing. */
const TYPE_KEYS: Readonly<Record<ProbeType, readonly string[]>> = {
  http: ['type', 'path', 'port', 'scheme', 'httpHeaders'],
  exec: ['type', 'command'],
  tcp: ['type', 'port'],
  grpc: ['type', 'port', 'service'],
};

/** An HTTP header name as the API server accepts one (an RFC 7230 token without the rarer symbols). */
const HEADER_NAME = /^[-A-Za-z0-9]+$/;

export function checkProbeTiming(problems: ProblemList, prop: string, t: ProbeTiming, kind?: ProbeKind): void {
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'failureThreshold', 'timeoutSeconds'] as const) {
    const v = t[k];
    if (v !== undefined) checkIntRange(problems, `${prop}.${k}`, v, k === 'initialDelaySeconds' ? 0 : 1, 3600);
  }
  if (t.successThreshold !== undefined && checkIntRange(problems, `${prop}.successThreshold`, t.successThreshold, 1, 3600) && kind !== undefined && kind !== 'readiness' && t.successThreshold !== 1) {
    problems.add(`${prop}.successThreshold`, `${t.successThreshold} is not 1; the API server requires 1 of a ${kind} probe`, 'leave it out (1), or set it on the readiness probe.');
  }
  if (t.terminationGracePeriodSeconds !== undefined) {
    if (kind === 'readiness') {
      problems.add(`${prop}.terminationGracePeriodSeconds`, 'is set on a readiness probe, whose failure never kills the container (the API server rejects it)', "leave it out, or set it on the liveness or startup probe.");
    } else {
      checkIntRange(problems, `${prop}.terminationGracePeriodSeconds`, t.terminationGracePeriodSeconds, 1, 86400);
    }
  }
}

/**
 * Checks one container's probes: each against its type (a port that is
 * declared, a path, headers, a command, no prop of another type), and
 * together: an HTTP probe on a port another probe checks with gRPC never passes.
 */
export function checkProbes(problems: ProblemList, prop: string, probes: ProbesProps | undefined, ports: ProbePorts): void {
  if (probes === undefined) return;
  if (!isRecord(probes)) {
    problems.add(prop, `${show(probes)} is not an object of probes`, "pass e.g. { readiness: { path: '/ready' } }.");
    return;
  }
  let ok = true;
  for (const kind of ['startup', 'readiness', 'liveness'] as const) {
    const p = probes[kind];
    if (p === undefined || (p === false && kind !== 'readiness')) continue;
    if (!checkProbe(problems, `${prop}.${kind}`, kind, p as ProbeProps, ports)) ok = false;
  }
  // what the probes target together is judged only when each one is sound
  if (ok) checkProtocolClash(problems, prop, probes, ports);
}

function checkProbe(problems: ProblemList, prop: string, kind: ProbeKind, p: ProbeProps, ports: ProbePorts): boolean {
  if (!isRecord(p)) {
    problems.add(prop, `${show(p)} is not a probe`, `pass an object, e.g. { path: '/ready' }, { type: 'grpc' } or { type: 'exec', command: ['/app/healthcheck'] }${kind === 'readiness' ? '' : ', or false for none'}.`);
    return false;
  }
  const before = problems.all.length;
  const q = p as AnyProbe;
  if (q.type !== undefined && !Object.hasOwn(TYPE_KEYS, q.type)) {
    problems.add(`${prop}.type`, `${show(q.type)} is not a probe type`, "use 'http', 'grpc', 'tcp' or 'exec'.");
    return false;
  }
  const type = probeType(p, ports);
  checkProbeTiming(problems, prop, p, kind);
  for (const key of Object.keys(p)) {
    if ((TIMING_KEYS as readonly string[]).includes(key) || TYPE_KEYS[type].includes(key)) continue;
    const owners = (Object.keys(TYPE_KEYS) as ProbeType[]).filter((t) => TYPE_KEYS[t].includes(key));
    problems.add(`${prop}.${key}`, `is set, but ${q.type === undefined ? `the probe is a ${type} probe (it targets a ${type === 'grpc' ? 'gRPC' : type} port)` : `a ${type} probe`} has no '${key}'`,
      owners.length ? `leave it out, or make it a ${owners.map((t) => `{ type: '${t}' }`).join(' or ')} probe.` : `leave it out; a ${type} probe takes ${TYPE_KEYS[type].map((k) => `'${k}'`).join(', ')} and the timing props.`);
  }
  const names = (ports.ports ?? []).map((x) => x.name);
  const numbers = (ports.ports ?? []).map((x) => x.port);
  if ((type === 'http' || type === 'tcp') && q.port !== undefined && !names.includes(q.port as string)) {
    problems.add(`${prop}.port`, `${show(q.port)} is not a declared port`, `target one of the declared ports: ${names.join(', ') || 'none'}${typeof q.port === 'number' ? ' (by name)' : ''}.`);
  }
  if (type === 'grpc' && q.port !== undefined && !(typeof q.port === 'number' ? numbers.includes(q.port) : names.includes(q.port))) {
    problems.add(`${prop}.port`, `${show(q.port)} is not a declared port`, `target one of the declared ports: ${(typeof q.port === 'number' ? numbers : names).join(', ') || 'none'}.`);
  }
  if (type === 'grpc' && q.service !== undefined && typeof q.service !== 'string') {
    problems.add(`${prop}.service`, `${show(q.service)} is not a string`, "name the gRPC service, e.g. 'readiness', or '' for the whole server.");
  }
  if (type === 'exec' && (q.command === undefined || q.command === null || (Array.isArray(q.command) && q.command.length === 0))) {
    problems.add(`${prop}.command`, 'is empty', 'give the command to run, e.g. ["/app/healthcheck"].');
  } else if (type === 'exec') {
    checkStringList(problems, `${prop}.command`, q.command, '["/app/healthcheck"]');
  }
  if (type === 'http') checkHttp(problems, prop, q);
  return problems.all.length === before;
}

function checkHttp(problems: ProblemList, prop: string, q: AnyProbe): void {
  if (q.path !== undefined && (typeof q.path !== 'string' || !q.path.startsWith('/'))) {
    problems.add(`${prop}.path`, `${show(q.path)} does not start with "/"`, `use ${show('/' + String(q.path))}.`);
  }
  if (q.scheme !== undefined && q.scheme !== 'HTTP' && q.scheme !== 'HTTPS') {
    problems.add(`${prop}.scheme`, `${show(q.scheme)} is not 'HTTP' or 'HTTPS'`, "use 'HTTP' or 'HTTPS' (upper case, as the API server takes it).");
  }
  if (!checkList(problems, `${prop}.httpHeaders`, q.httpHeaders, "[{ name: 'Host', value: 'shop.example.com' }]")) return;
  (q.httpHeaders ?? []).forEach((h, i) => {
    if (!isRecord(h)) {
      problems.add(`${prop}.httpHeaders[${i}]`, `${show(h)} is not a header`, "pass { name, value }, e.g. { name: 'Host', value: 'shop.example.com' }.");
      return;
    }
    if (typeof h.name !== 'string' || !HEADER_NAME.test(h.name)) {
      problems.add(`${prop}.httpHeaders[${i}].name`, `${show(h.name)} is not an HTTP header name (letters, digits and '-')`, "use a name like 'X-Health-Check'.");
    }
    if (typeof h.value !== 'string') problems.add(`${prop}.httpHeaders[${i}].value`, `${show(h.value)} is not a string`, `quote it: ${show(String(h.value))}.`);
  });
}

/**
 * A port checked with gRPC by one probe and with an HTTP GET by another:
 * a gRPC server does not answer HTTP/1.1, so the HTTP probe never passes.
 * Reported on the HTTP probe, given or default, with what its failure does.
 */
function checkProtocolClash(problems: ProblemList, prop: string, probes: ProbesProps, ports: ProbePorts): void {
  const resolved = (['startup', 'readiness', 'liveness'] as const).flatMap((kind) => {
    const given = probes[kind];
    if (given === false) return [];
    const p = isRecord(given) ? given : kind === 'startup' ? startupFollowing(probes.readiness, ports) : undefined;
    const type = probeType(p ?? {}, ports);
    const target = probeTarget((p ?? {}) as AnyProbe, type, ports);
    return target.number === undefined ? [] : [{ kind, given: isRecord(given), type, port: target.number, name: target.name, p: (p ?? {}) as AnyProbe }];
  });
  for (const h of resolved.filter((r) => r.type === 'http')) {
    // the gRPC probe the user gave, before one that defaults or follows
    const g = resolved.filter((r) => r.type === 'grpc' && r.port === h.port).sort((a, b) => Number(b.given) - Number(a.given))[0];
    if (!g) continue;
    const t = APP_PROBE_TIMING[h.kind];
    const effect = h.kind === 'startup' ? `the container is restarted after ${(h.p.periodSeconds ?? t.periodSeconds) * (h.p.failureThreshold ?? t.failureThreshold)} s`
      : h.kind === 'liveness' ? 'the container is restarted over and over' : 'the pod never becomes ready';
    const port = `port ${h.name ? `${show(h.name)} (${h.port})` : h.port}`;
    const what = `${h.given ? 'is an HTTP GET' : 'is the default HTTP GET'} on ${port}, which '${prop}.${g.kind}' checks with gRPC`;
    const fix = !h.given ? `declare that port as gRPC (protocol: 'grpc'), so every probe defaults to gRPC, or give '${prop}.${h.kind}' explicitly, e.g. { type: 'grpc' }.`
      : h.kind === 'startup' ? `leave '${prop}.startup' out (it then follows the readiness probe: gRPC on ${port}), or make it { type: 'grpc' }.`
        : `make it { type: 'grpc' } (or { type: 'tcp' }), or point it at a port that serves HTTP.`;
    problems.add(`${prop}.${h.kind}`, `${what}: a gRPC server does not answer an HTTP/1.1 request, so this probe never passes and ${effect}`, fix);
  }
}
