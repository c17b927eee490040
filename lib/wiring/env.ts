import * as k8s from '../core/kube';
import type { AnyComponent } from '../core/component';
import type { Environment } from '../core/environment';
import { Libk8sError, ProblemList, show } from '../core/errors';
import { ComposedEnv, isWiredValue, WIRED_TEXT, WiredValue, wiresFrom } from '../core/wiring';
import { wiredParts, wiredText } from './formats';

/**
 * The order of a container's environment variables. Kubernetes expands
 * `$(VAR)` in a value only for a variable defined earlier in the list (and
 * leaves the text as it is otherwise), so every variable comes after the
 * ones it refers to; a reference to a variable the container does not
 * define, or a cycle of references, is a problem.
 */

/** The names `$(NAME)` refers to in `value`, as the kubelet reads them: `$$` is an escaped `$`, a `$(` without `)` is text. */
export function envReferences(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length - 1; i++) {
    if (value[i] !== '$') continue;
    if (value[i + 1] === '$') { i++; continue; }
    if (value[i + 1] !== '(') continue;
    const end = value.indexOf(')', i + 2);
    if (end < 0) break;
    out.push(value.slice(i + 2, end));
    i = end;
  }
  return out;
}

/** A reference that would stay unexpanded. */
export interface EnvReferenceProblem {
  /** The variable whose value holds the reference. */
  readonly name: string;
  /** Its value. */
  readonly value: string;
  /** The name it refers to. */
  readonly ref: string;
  /** `undefined`: no variable of that name; `cycle`: the names refer back to `name` (first and last are the same). */
  readonly kind: 'undefined' | 'cycle';
  /** For a cycle: the names in order of reference, e.g. `A, B, A`. */
  readonly cycle?: readonly string[];
}

/**
 * `vars` in an order where every reference expands: the given order, with
 * each variable moved just after the ones it refers to (depth first, in the
 * order of its references), so the result is deterministic and unchanged
 * when nothing refers to anything.
 */
export function orderEnv(vars: readonly k8s.EnvVar[]): { readonly env: k8s.EnvVar[]; readonly problems: EnvReferenceProblem[] } {
  const byName = new Map<string, k8s.EnvVar>();
  for (const v of vars) if (!byName.has(v.name)) byName.set(v.name, v);
  const state = new Map<k8s.EnvVar, 'visiting' | 'done'>();
  const env: k8s.EnvVar[] = [];
  const problems: EnvReferenceProblem[] = [];
  const visit = (v: k8s.EnvVar, path: readonly string[]): void => {
    if (state.has(v)) return;
    state.set(v, 'visiting');
    for (const ref of new Set(envReferences(v.value ?? ''))) {
      const dep = byName.get(ref);
      if (!dep) problems.push({ name: v.name, value: v.value!, ref, kind: 'undefined' });
      else if (state.get(dep) === 'visiting') {
        const chain = [...path, v.name];
        problems.push({ name: v.name, value: v.value!, ref, kind: 'cycle', cycle: [...chain.slice(chain.indexOf(ref)), ref] });
      } else visit(dep, [...path, v.name]);
    }
    state.set(v, 'done');
    env.push(v);
  };
  for (const v of vars) visit(v, []);
  return { env, problems };
}

/** The words of a wired value in a message: `Redis 'cart'.host`. */
function describe(v: WiredValue): string {
  return `${v.target.kind} '${v.target.node.id}'.${v.part}`;
}

/** Adds the problem of each reference in `list`; `propOf` names the prop that sets a variable. */
export function addReferenceProblems(problems: ProblemList, list: readonly EnvReferenceProblem[], propOf: (name: string) => string, defined: readonly string[], env?: string): void {
  for (const p of list) {
    const prop = propOf(p.name);
    const wired = WIRED_TEXT.exec(`$(${p.ref})`);
    if (wired) {
      problems.add(prop, `${show(p.value)} holds the wired value ${wired[1]} in a plain template string, so Kubernetes would pass on the text "$(${p.ref})"`,
        `tag the template with Env.compose: Env.compose\`...\${${wired[1]}}...\` instead of \`...\${${wired[1]}}...\`.`, env);
    } else if (p.kind === 'undefined') {
      const near = defined.filter((d) => d.toLowerCase() === p.ref.toLowerCase() || d.endsWith(`_${p.ref}`) || p.ref.endsWith(`_${d}`)).slice(0, 3);
      problems.add(prop, `${show(p.value)} refers to $(${p.ref}), which the container does not define, so Kubernetes would leave the text "$(${p.ref})" as it is`,
        `${near.length ? `refer to ${near.map((n) => `$(${n})`).join(' or ')}, ` : ''}define ${p.ref} in 'env' or through connect(), or write $$(${p.ref}) for the literal text.`, env);
    } else {
      const cycle = p.cycle ?? [p.name, p.ref];
      problems.add(prop, cycle.length === 2
        ? `${show(p.value)} refers to itself ($(${p.ref})); Kubernetes expands a reference only to a variable defined before it, so it would stay as the text "$(${p.ref})"`
        : `${show(p.value)} refers to $(${p.ref}) in a cycle (${cycle.join(' → ')}); Kubernetes expands a reference only to a variable defined before it, so one of them would stay unexpanded`,
      'break the cycle: let one of the variables hold its value without referring to the others.', env);
    }
  }
}

/** The text a composed value renders as in `env` (a part that cannot be rendered renders as nothing; validation reports it). */
export function composedText(workload: AnyComponent, c: ComposedEnv, env: Environment): string {
  return c.parts.map((p) => {
    if (!isWiredValue(p)) return String(p);
    const t = wiredText(workload, p, env);
    return 'text' in t ? t.text : '';
  }).join('');
}

/** The problems of a composed value at `prop`: parts from constructs the workload is not wired to, or that they do not give. */
export function checkComposed(workload: AnyComponent, prop: string, c: ComposedEnv, env: Environment, problems: ProblemList): void {
  if (!Array.isArray(c.parts)) {
    problems.add(prop, `${show(c)} is not a composed value`, 'build it with Env.compose`...`.');
    return;
  }
  for (const part of c.parts) {
    if (!isWiredValue(part)) continue;
    const t = wiredText(workload, part, env);
    if ('text' in t || t.problem === 'absent') continue;
    const peer = part.target;
    if (t.problem === 'unwired') {
      const wired = wiresFrom(workload).map((w) => `'${w.to.node.id}'`);
      problems.add(prop, `composes ${describe(part)}, but ${workload.kind} '${workload.node.id}' is not wired to '${peer.node.id}'${wired.length ? ` (it is wired to ${wired.join(', ')})` : ''}`,
        `call ${workload.node.id}.connect(${peer.node.id}) to wire it, which also opens the network path.`);
    } else {
      problems.add(prop, `composes ${describe(part)}, which ${peer.kind} '${peer.node.id}' does not give`, `use one of: ${wiredParts(peer).join(', ')}.`);
    }
  }
}

/** The final env of a container: `vars` ordered so references expand; a reference that cannot is thrown as a problem of `workload`. */
export function containerEnv(workload: AnyComponent, vars: readonly k8s.EnvVar[], propOf: (name: string) => string, env: Environment): k8s.EnvVar[] | undefined {
  if (vars.length === 0) return undefined;
  const ordered = orderEnv(vars);
  if (ordered.problems.length > 0) {
    const problems = new ProblemList(workload.kind, workload.node.id, workload.displayPath);
    addReferenceProblems(problems, ordered.problems, propOf, vars.map((v) => v.name), env.name);
    throw new Libk8sError(problems.all);
  }
  return ordered.env;
}
