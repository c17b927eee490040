import type { AnyComponent } from '../core/component';
import type { ProblemList } from '../core/errors';
import { at, checkWires, envPrefix, isResource, wireLabel, wireProp, wiresFrom } from '../core/wiring';
import { checkWorkloadWiring, ServingWorkload, wiredEnvNames } from './derive';

/** The variables a workload's own props set: `env`, and each environment's override `env`. */
export interface OwnEnv {
  readonly env?: Readonly<Record<string, unknown>>;
  readonly overrides?: Readonly<Record<string, { readonly env?: Readonly<Record<string, unknown>> } | undefined>>;
}

/**
 * The wiring problems only this workload can see: wires to itself, twice or
 * in a cycle; targets it cannot use as it says (a Queue by connect(), a
 * non-Queue by sendTo(), a workload that serves no port); variables the
 * wiring would give twice or over its own `env`; grants no recipe's
 * identity can give.
 */
export function checkWorkloadWires(workload: AnyComponent, own: OwnEnv, problems: ProblemList): void {
  checkWires(workload, problems);
  for (const w of wiresFrom(workload)) {
    const prop = `${w.via}(${w.to.node.id})`;
    const type = isResource(w.to) ? w.to.resourceType : undefined;
    if (w.via === 'connect' && type === 'queue') {
      problems.add(prop, `connects to Queue '${w.to.node.id}'${at(w)}, which says neither sending nor consuming`,
        `use ${workload.node.id}.sendTo(${w.to.node.id}) to send, or a QueueWorker with queue: ${w.to.node.id} to consume.`);
    } else if (w.via === 'sendTo' && type !== 'queue') {
      problems.add(prop, `sends to ${w.to.kind} '${w.to.node.id}'${at(w)}, which is not a Queue`, `use connect(${w.to.node.id}).`);
    } else if (!isResource(w.to) && typeof (w.to as unknown as Partial<ServingWorkload>).served !== 'function' && w.to !== workload) {
      problems.add(prop, `connects to ${w.to.kind} '${w.to.node.id}'${at(w)}, which serves no port to connect to`,
        'connect to a WebService (it has a Service), a resource, or put a Queue between the two.');
    }
  }
  checkWiredEnv(workload, own, problems);
  checkWorkloadWiring(workload, problems);
}

/**
 * Variables the wiring would give twice, in any environment: two wires
 * that give one name (ids like `orders-db` and `orders--db` make one
 * prefix), and a name of the props' `env` or an override's `env` that a
 * wire gives too. Each is reported once.
 */
function checkWiredEnv(workload: AnyComponent, own: OwnEnv, problems: ProblemList): void {
  const reported = new Set<string>();
  const once = (prop: string, message: string, fix: string, env?: string) => {
    const key = JSON.stringify([prop, message, env]);
    if (reported.has(key)) return;
    reported.add(key);
    problems.add(prop, message, fix, env);
  };
  for (const env of workload.app.environments) {
    const { names, clashes } = wiredEnvNames(workload, env);
    for (const { first, second, names: both } of clashes) {
      const [a, b] = [first.to.node.id, second.to.node.id];
      const prefix = envPrefix(a);
      once(wireProp(second), `gives ${both.join(', ')}, which ${wireLabel(first)} gives too, so one would overwrite the other`,
        prefix === envPrefix(b) ? `rename '${a}' or '${b}': both ids make the prefix ${prefix}_.` : `rename '${a}' or '${b}' so their variables differ.`);
    }
    const sources: [Readonly<Record<string, unknown>> | undefined, string, string | undefined][] = [
      [own.env, 'env', undefined],
      [own.overrides?.[env.name]?.env, `overrides.${env.name}.env`, env.name],
    ];
    for (const [vars, prop, only] of sources) {
      for (const name of Object.keys(vars ?? {})) {
        const w = names.get(name);
        if (!w) continue;
        const by = wireLabel(w);
        once(`${prop}.${name}`, `is also set by ${by}, which would overwrite it`, `rename the variable, or drop it and use the one ${by} provides.`, only);
      }
    }
  }
}
