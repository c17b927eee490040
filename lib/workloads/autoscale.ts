import { ProblemList } from '../core/errors';
import { checkCpu, checkIntRange, checkMemory } from '../core/rules';
import type { AutoscaleProps } from './props';

/**
 * The resource targets of an autoscaler: `Utilization` (percent of the
 * request) or `AverageValue` (a quantity per pod), one of the two per
 * resource. Shared by the HPA of WebService and Worker and the KEDA cpu and
 * memory triggers of a QueueWorker.
 */

/** `a` with the default target: cpu at 70 % of the request when it names no target at all. */
export function withDefaultTarget<A extends AutoscaleProps>(a: A): A {
  const none = a.cpuPercent === undefined && a.memoryPercent === undefined && a.cpuAverage === undefined && a.memoryAverage === undefined;
  return { ...a, cpuPercent: none ? 70 : a.cpuPercent };
}

/** Whether `a` scales on cpu or memory use at all. */
export function hasResourceTarget(a: AutoscaleProps): boolean {
  return a.cpuPercent !== undefined || a.memoryPercent !== undefined || a.cpuAverage !== undefined || a.memoryAverage !== undefined;
}

/**
 * Checks the resource targets at `at` (e.g. `autoscale`, `overrides.prod.autoscale`):
 * percents are whole numbers from 1 to 1000, averages are quantities, and
 * each resource has one target.
 */
export function checkResourceTargets(problems: ProblemList, at: string, a: AutoscaleProps, env: string | undefined): void {
  if (a.cpuPercent !== undefined) checkIntRange(problems, `${at}.cpuPercent`, a.cpuPercent, 1, 1000);
  if (a.memoryPercent !== undefined) checkIntRange(problems, `${at}.memoryPercent`, a.memoryPercent, 1, 1000);
  for (const [resource, average, percent] of [['cpu', a.cpuAverage, a.cpuPercent], ['memory', a.memoryAverage, a.memoryPercent]] as const) {
    if (average === undefined) continue;
    const prop = `${at}.${resource}Average`;
    if (resource === 'cpu') checkCpu(problems, prop, average);
    else checkMemory(problems, prop, average);
    if (percent !== undefined) {
      problems.add(prop, `is set together with '${resource}Percent'; an autoscaler targets ${resource} either as a percent of the request or as an average quantity per pod`,
        `keep one: '${resource}Percent' (e.g. 70) or '${resource}Average' (e.g. ${resource === 'cpu' ? "'500m'" : "'400Mi'"}).`, env);
    }
  }
}
