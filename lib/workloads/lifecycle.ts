import { Environment } from '../core/environment';
import { ProblemList, show } from '../core/errors';
import { checkServed, VERSION_GATED } from '../core/kube-version';
import type { Platform } from '../core/platform';
import { checkBoolean, checkIntRange, checkStringList, isRecord } from '../core/rules';
import type { ContainerProps } from '../pod/container';
import type { PreStopHook } from '../pod/controllers';
import type { PreStopProps, RolloutProps, WorkloadOverrides, WorkloadProps } from './props';

/**
 * How a workload's pods start and stop, checked against each environment's
 * Kubernetes version: the preStop hook (the platform's or the workload's
 * own), the grace period around it, native sidecars and the Deployment's
 * rollout timing.
 */

const PRE_STOP_ACTIONS: readonly string[] = ['sleep', 'exec', 'none'];

/** The preStop hook of a pod that has one: the workload's choice, else the platform's; undefined for `none` (tolerant: validation reports a bad value). */
export function resolvePreStop(p: PreStopProps | undefined, platform: Platform): PreStopHook | undefined {
  const seconds = (x: unknown): number => (typeof x === 'number' ? x : platform.preStopSeconds);
  if (!isRecord(p) || !PRE_STOP_ACTIONS.includes(p.action as string)) {
    return platform.preStopAction === 'sleep'
      ? { action: 'sleep', seconds: platform.preStopSeconds }
      : { action: 'exec', command: ['sleep', String(platform.preStopSeconds)], seconds: platform.preStopSeconds };
  }
  switch (p.action) {
    case 'none': return undefined;
    case 'sleep': return { action: 'sleep', seconds: seconds(p.seconds) };
    case 'exec': return { action: 'exec', command: Array.isArray(p.command) ? p.command : ['sleep', String(seconds(p.seconds))], seconds: seconds(p.seconds) };
  }
}

/** Checks one `preStop` value's shape. */
function checkPreStop(problems: ProblemList, prop: string, v: PreStopProps, env: string | undefined): void {
  if (!isRecord(v) || !PRE_STOP_ACTIONS.includes(v.action as string)) {
    problems.add(isRecord(v) ? `${prop}.action` : prop, `${show(isRecord(v) ? v.action : v)} is not a preStop action ('sleep', 'exec' or 'none')`,
      "use { action: 'sleep' } (Kubernetes 1.30+), { action: 'exec' } (`sleep` in the container) or { action: 'exec', command: [...] }, or { action: 'none', reason: '...' }.", env);
    return;
  }
  if (v.action === 'none') {
    if (typeof v.reason !== 'string' || v.reason.trim() === '') {
      problems.add(`${prop}.reason`, `${show(v.reason)} is not a reason; a pod without a preStop pause may get requests after SIGTERM, so say why this one needs none`,
        "give it, e.g. { action: 'none', reason: 'the app keeps serving for 10 s after SIGTERM' }.", env);
    }
    return;
  }
  if (v.seconds !== undefined) {
    const min = v.action === 'sleep' ? 1 : 0;
    checkIntRange(problems, `${prop}.seconds`, v.seconds, min, 3600, `use a whole number of seconds from ${min} to 3600, e.g. 5.`);
  }
  if (v.action === 'exec' && v.command !== undefined && checkStringList(problems, `${prop}.command`, v.command, "['/app/drain', '--wait=5s']") && v.command.length === 0) {
    problems.add(`${prop}.command`, 'is empty', "name the program and its arguments, e.g. ['/app/drain'], or leave 'command' out for `sleep <seconds>`.", env);
  }
}

/** What a workload's start and stop are checked with. */
export interface LifecycleSubject {
  /** The props as given. */
  readonly props: WorkloadProps & RolloutProps & { readonly overrides?: unknown };
  /** Whether its pod has a preStop hook at all (false for a run to completion). */
  readonly preStop: boolean;
  /** Whether it runs as a Deployment (rollout timing applies). */
  readonly deployment: boolean;
  /** What it is, for messages, e.g. `Task`. */
  readonly kind: string;
  readonly platform: Platform;
  readonly environments: readonly Environment[];
  /** One environment's override, if it has one. */
  override(env: string): WorkloadOverrides | undefined;
  /** One environment's resolved hook and grace period. */
  settings(env: string): { readonly preStop?: PreStopHook; readonly terminationGracePeriodSeconds: number };
}

/**
 * Checks the preStop choices (the props' and each override's), the grace
 * period around each environment's hook, native sidecars, the version each
 * of them needs, and the rollout timing.
 */
export function checkLifecycle(problems: ProblemList, w: LifecycleSubject): void {
  const p = w.props;
  const grace = p.terminationGracePeriodSeconds;
  const graceOk = grace === undefined || checkIntRange(problems, 'terminationGracePeriodSeconds', grace, 0, 86400);
  if (!w.preStop) {
    if (p.preStop !== undefined) problems.add('preStop', `is set, but a ${w.kind}'s pod is behind no Service, so it has no preStop pause`, 'remove it.');
  } else {
    if (p.preStop !== undefined) checkPreStop(problems, 'preStop', p.preStop, undefined);
    const sleeping = new Map<string, Environment[]>();
    const reported = new Set<string>();
    for (const env of w.environments) {
      const own = w.override(env.name)?.preStop;
      if (own !== undefined) checkPreStop(problems, `overrides.${env.name}.preStop`, own, env.name);
      const prop = own !== undefined ? `overrides.${env.name}.preStop` : p.preStop !== undefined ? 'preStop' : 'platform.preStopAction';
      const s = w.settings(env.name);
      if (s.preStop?.action === 'sleep') sleeping.set(prop, [...(sleeping.get(prop) ?? []), env]);
      // the grace period must outlast the pause (one problem per source of the pause)
      if (!graceOk || !s.preStop || s.terminationGracePeriodSeconds > s.preStop.seconds || reported.has(prop)) continue;
      reported.add(prop);
      if (grace !== undefined) {
        problems.add('terminationGracePeriodSeconds', `${grace} is not longer than the preStop pause of ${s.preStop.seconds} s, so in-flight requests are cut off`,
          `use more than ${s.preStop.seconds}, e.g. ${Math.max(30, s.preStop.seconds + 10)}.`);
      } else if (prop !== 'platform.preStopAction') {
        problems.add(`${prop}.seconds`, `${s.preStop.seconds} is not shorter than terminationGracePeriodSeconds (${s.terminationGracePeriodSeconds} by default), so in-flight requests are cut off`,
          `use fewer seconds, or set 'terminationGracePeriodSeconds' above ${s.preStop.seconds}.`, own !== undefined ? env.name : undefined);
      }
    }
    for (const [prop, envs] of sleeping) {
      const value = prop === 'platform.preStopAction' ? 'sleep' : prop === 'preStop' ? p.preStop : w.override(envs[0].name)?.preStop;
      const fix = prop === 'platform.preStopAction'
        ? "give this workload its own preStop there, e.g. preStop: { action: 'exec' } (needs a `sleep` binary) or { action: 'none', reason: '...' }, set the platform's preStopAction to 'exec', or target Kubernetes 1.30 or later"
        : "use { action: 'exec' } (needs a `sleep` binary) or { action: 'none', reason: '...' } there (per environment with overrides.<env>.preStop), or target Kubernetes 1.30 or later";
      checkServed(problems, prop, value, VERSION_GATED.preStopSleep, envs, fix);
    }
  }
  checkNativeSidecars(problems, p, w.environments);
  if (w.deployment) checkRollout(problems, p);
}

/** `native` is a boolean on sidecars, served by every environment's version, and not set on init containers. */
function checkNativeSidecars(problems: ProblemList, p: { readonly sidecars?: readonly ContainerProps[]; readonly initContainers?: readonly ContainerProps[] }, envs: readonly Environment[]): void {
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  for (const [i, c] of list(p.sidecars).entries()) {
    if (!isRecord(c) || c.native === undefined || !checkBoolean(problems, `sidecars[${i}].native`, c.native) || c.native !== true) continue;
    checkServed(problems, `sidecars[${i}].native`, true, VERSION_GATED.nativeSidecar, envs, "remove 'native' (a regular sidecar, started beside the main container), or target Kubernetes 1.29 or later");
  }
  for (const [i, c] of list(p.initContainers).entries()) {
    if (isRecord(c) && c.native !== undefined) {
      problems.add(`initContainers[${i}].native`, `${show(c.native)} is set on an init container, which runs to completion before the main container starts`,
        `declare a native sidecar in 'sidecars' with native: true, or remove 'native'.`);
    }
  }
}

/** The rollout timing a Deployment writes: only what the props (of a WebService, Worker or QueueWorker) set. */
export function rolloutOf(props: object): RolloutProps {
  const p = props as RolloutProps;
  return { minReadySeconds: p.minReadySeconds, progressDeadlineSeconds: p.progressDeadlineSeconds };
}

/** `minReadySeconds` and `progressDeadlineSeconds`: whole seconds, the deadline longer than the wait (the API server's rule). */
function checkRollout(problems: ProblemList, p: RolloutProps): void {
  const minOk = p.minReadySeconds === undefined || checkIntRange(problems, 'minReadySeconds', p.minReadySeconds, 0, 2147483647, 'use a whole number of seconds, e.g. 10.');
  const deadlineOk = p.progressDeadlineSeconds === undefined || checkIntRange(problems, 'progressDeadlineSeconds', p.progressDeadlineSeconds, 1, 2147483647, 'use a whole number of seconds, e.g. 600.');
  if (!minOk || !deadlineOk || p.minReadySeconds === undefined) return;
  const deadline = p.progressDeadlineSeconds ?? 600;
  if (deadline <= p.minReadySeconds) {
    problems.add(p.progressDeadlineSeconds === undefined ? 'minReadySeconds' : 'progressDeadlineSeconds',
      p.progressDeadlineSeconds === undefined
        ? `${p.minReadySeconds} is not less than progressDeadlineSeconds (600 by default); the API server requires the deadline to be longer`
        : `${deadline} is not greater than minReadySeconds (${p.minReadySeconds}), which the API server requires: a rollout could never make progress in time`,
      `set 'progressDeadlineSeconds' above ${p.minReadySeconds}, e.g. ${p.minReadySeconds + 600}${p.progressDeadlineSeconds === undefined ? '' : ', or lower minReadySeconds'}.`);
  }
}
