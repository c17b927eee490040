import * as k8s from '../core/kube';
import type { AnyComponent } from '../core/component';
import type { Environment } from '../core/environment';
import type { ConnectionValue } from '../core/recipe';
import { ConnectionFormat, isResource, Wire, wireFormats, wirePrefix, wiresFrom, WiredValue } from '../core/wiring';
import type { Served, ServingWorkload } from './derive';

/**
 * Connection formats: which variables a wire gives its workload (`url`,
 * `hostport`, `host`, `port`, under the wire's prefix), and what a
 * WiredValue of `Env.compose` renders as.
 */

/** Every format, in the order a list of them is checked and named. */
export const CONNECTION_FORMATS: readonly ConnectionFormat[] = ['url', 'hostport', 'host', 'port'];

/** The suffix of each format's variable: `<PREFIX>_URL`, `<PREFIX>_ADDR`, `<PREFIX>_HOST`, `<PREFIX>_PORT`. */
export const FORMAT_SUFFIX: Readonly<Record<ConnectionFormat, string>> = { url: 'URL', hostport: 'ADDR', host: 'HOST', port: 'PORT' };

/** The environment variable a connection value becomes. */
export function envVar(name: string, v: ConnectionValue): k8s.EnvVar {
  return 'secret' in v ? { name, valueFrom: { secretKeyRef: { name: v.secret, key: v.key } } } : { name, value: v.value };
}

/** `deadLetterUrl` → `DEAD_LETTER_URL`. */
export function envKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** What a workload that serves a port gives a caller in `env`, per format; undefined when it serves nothing. */
export function servedValues(peer: AnyComponent, env: Environment): Record<ConnectionFormat, string> | undefined {
  const served = servedBy(peer, env);
  return served && valuesOf(served, env);
}

/** What a peer serves in `env`; undefined when it serves nothing. */
function servedBy(peer: AnyComponent, env: Environment): Served | undefined {
  return (peer as unknown as Partial<ServingWorkload>).served?.(env);
}

function valuesOf(served: Served, env: Environment): Record<ConnectionFormat, string> {
  const host = `${served.serviceName}.${env.namespace}.svc`;
  const port = String(served.servicePort);
  return { url: `http://${host}:${port}`, hostport: `${host}:${port}`, host, port };
}

/**
 * A peer's variable when the wire names no format: `<PREFIX>_ADDR`
 * (`host:port`, what a gRPC client dials) for a peer whose main port speaks
 * gRPC, else `<PREFIX>_URL`.
 */
function defaultPeerFormats(served: Served): readonly ConnectionFormat[] {
  return served.ports[0]?.appProtocol === 'grpc' ? ['hostport'] : ['url'];
}

/** A resource connection value inside another value: the literal, or a `$(VAR)` reference to the variable that holds it. */
function inline(prefix: string, key: string, v: ConnectionValue): string {
  return 'value' in v ? v.value : `$(${prefix}_${envKey(key)})`;
}

/**
 * The environment variables one wire gives its workload in `env`: a
 * resource's connection values as `<PREFIX>_<KEY>` in the recipe's key order
 * (and with `hostport`, `<PREFIX>_ADDR` composed of its host and port), a
 * peer's one variable per format (`<PREFIX>_URL` by default). None where the
 * resource has no recipe there or the peer serves nothing (both are
 * reported by validation, as are formats a target cannot give).
 */
export function wireEnv(w: Wire, env: Environment): k8s.EnvVar[] {
  const prefix = wirePrefix(w);
  const formats = wireFormats(w);
  if (isResource(w.to)) {
    const resource = w.to;
    if (!resource.recipe(env)) return [];
    const values = resource.connection(env).values;
    const vars = Object.entries(values).map(([key, v]) => envVar(`${prefix}_${envKey(key)}`, v));
    if (formats?.includes('hostport') && values.host && values.port) {
      vars.push({ name: `${prefix}_${FORMAT_SUFFIX.hostport}`, value: `${inline(prefix, 'host', values.host)}:${inline(prefix, 'port', values.port)}` });
    }
    return vars;
  }
  const served = servedBy(w.to, env);
  if (!served) return [];
  const values = valuesOf(served, env);
  const chosen = CONNECTION_FORMATS.filter((f) => (formats ?? defaultPeerFormats(served)).includes(f));
  return chosen.map((f) => ({ name: `${prefix}_${FORMAT_SUFFIX[f]}`, value: values[f] }));
}

/** Why a wired value cannot be rendered, or its text. */
export type WiredText = { readonly text: string } | { readonly problem: 'unwired' | 'unknown' | 'absent' };

/**
 * What `v` renders as in a variable of `workload` in `env`: a served
 * peer's value itself; a resource's literal value itself, a Secret value
 * as a `$(VAR)` reference to the wired variable (ordered before it).
 */
export function wiredText(workload: AnyComponent, v: WiredValue, env: Environment): WiredText {
  const w = wiresFrom(workload).find((x) => x.to === v.target);
  if (!w) return { problem: 'unwired' };
  if (isResource(w.to)) {
    const resource = w.to;
    if (!resource.recipe(env)) return { problem: 'absent' };
    const values = resource.connection(env).values;
    const prefix = wirePrefix(w);
    if (v.part === 'hostport' && values.host && values.port) return { text: `${inline(prefix, 'host', values.host)}:${inline(prefix, 'port', values.port)}` };
    const value = Object.hasOwn(values, v.part) ? values[v.part] : undefined;
    return value ? { text: inline(prefix, v.part, value) } : { problem: 'unknown' };
  }
  const served = servedValues(w.to, env);
  if (!served) return { problem: 'absent' };
  return Object.hasOwn(served, v.part) ? { text: served[v.part as ConnectionFormat] } : { problem: 'unknown' };
}

/** The parts a target can give to Env.compose: a peer's formats, a resource's connection keys (and `hostport` with a host and a port). */
export function wiredParts(target: AnyComponent): readonly string[] {
  if (!isResource(target)) return CONNECTION_FORMATS;
  const keys = target.connectionKeys;
  return keys.includes('host') && keys.includes('port') ? [...keys, 'hostport'] : keys;
}
