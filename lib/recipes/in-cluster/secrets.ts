import { ApiObject, JsonPatch } from 'cdk8s';
import * as k8s from '../../core/kube';
import { Construct } from 'constructs';
import { INSTANCE_LABEL, NAME_LABEL, policySelector, VERSION_LABEL } from '../../core/labels';
import type { RecipeContext, ResourceRef } from '../../core/recipe';
import { goldenServiceAccount, runJobSpec } from '../../pod/controllers';
import { goldenNetworkPolicy } from '../../pod/network-policy';
import { goldenContainer, goldenPodSpec, tmpMount, tmpVolume } from '../../pod/template';
import { ResolvedOptions, secretsJobName, SHARED_AWS_CREDENTIALS } from './options';
import { meta } from './standin';

/**
 * The stand-ins' credentials are made in the cluster, never in the
 * program: a Job per stand-in (`<id>-secrets`) writes its Secrets with
 * values from /dev/urandom, so the synthesized output (and Git) holds no
 * password or key, and no two clusters share one.
 *
 * - Only if absent: a Secret that exists keeps its generated values (a
 *   re-sync never rotates the password under a running database, whose
 *   data directory was initialised with it); its plain keys (host, port,
 *   url, region, …) are patched on every run, so they follow the program.
 *   To rotate, delete the Secrets and the stand-in's data, and sync again.
 * - The queue and bucket stand-ins of an environment share one set of dev
 *   AWS credentials (a workload signs requests to all of them with one
 *   `<id>-aws-credentials`): the first Job to run generates them into
 *   Secret `in-cluster.aws-credentials` (`kubectl create` is atomic, so two
 *   Jobs racing keep the winner's), every Job copies them from there.
 * - RBAC: the Job's own ServiceAccount, bound to a Role that may `get` and
 *   `patch` exactly the Secrets it writes (`resourceNames`) and `create`
 *   Secrets. Kubernetes cannot limit `create` by name (the name is not
 *   known when the request is authorized), so that one rule names no
 *   Secret: the Job could create other Secrets in the namespace, but read,
 *   change or delete none but its own. Nothing else: no list, watch,
 *   update or delete, no other resource.
 * - The token: only this pod mounts one (`automountServiceAccountToken:
 *   true` on the pod; its ServiceAccount, like every other, says false).
 * - Network: its NetworkPolicy lets it reach the API server. A policy cannot
 *   select the API server by label (it is not a pod, or not one in the
 *   cluster's network), and CNIs match egress after the `kubernetes`
 *   Service's address is translated to the control plane's (on port 6443
 *   with kubeadm and kind, 443 with most managed clusters), which no
 *   program knows. So egress goes to any address (0.0.0.0/0 and ::/0) on
 *   TCP 443 and 6443 only, with DNS; nothing comes in.
 * - Image: `registry.k8s.io/kubectl` is shell-free, so an init container
 *   copies the static busybox of the `busybox` image into an emptyDir and
 *   the script runs under its `sh`; both images are pinned and configurable
 *   (InClusterImages.kubectl and .busybox).
 * - Ordering: with Argo CD annotations the Job's objects sync in wave -2,
 *   before the stand-ins' (-1) and the workloads (0), so a stand-in's pod
 *   starts with its Secret there. Without them (kubectl apply, Flux), a pod
 *   whose Secret is not there yet waits in CreateContainerConfigError and
 *   the kubelet starts it once the Job has written it, in seconds.
 * - A Job's pod template is immutable: with Argo CD it carries
 *   `sync-options: Force=true,Replace=true`, so a changed Job (a new image,
 *   a renamed database) is deleted and created again, and runs again,
 *   harmlessly. Another GitOps tool must replace it too (e.g. Flux's
 *   `kustomize.toolkit.fluxcd.io/force: enabled`), or delete the Job.
 */

/** One Secret a stand-in's Job writes. */
export interface GeneratedSecret {
  /** The Secret's name. */
  readonly name: string;
  /** Keys the program knows (host, port, url, region, …): written when the Secret is created, and patched on every run. */
  readonly values: Readonly<Record<string, string>>;
  /** Keys generated once, when the Secret is created, as 64 hex characters (256 random bits), and never changed. @default - none */
  readonly generated?: readonly string[];
  /** Also holds the environment's shared dev AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). @default false */
  readonly awsCredentials?: boolean;
}

/** Argo CD's sync-wave annotation; the Job's objects sync before the stand-ins' (-1). */
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const SECRETS_WAVE = '-2';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** The API server's ports: 443 (the `kubernetes` Service, most managed clusters) and 6443 (kubeadm, kind, k3s). */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

/** Where the init container puts busybox. */
const TOOLS = '/tools';

/** A word in single quotes for sh. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A JSON string literal inside an unquoted here-document (where `\`, `$` and backquotes are special). */
function heredocJson(s: string): string {
  return JSON.stringify(s).replace(/[\\$`]/g, (c) => `\\${c}`);
}

/** `{"k":v,…}` from pairs whose values are already JSON (or here-document) text. */
function jsonObject(pairs: readonly (readonly [string, string])[]): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** The manifest `kubectl create -f -` reads, in a here-document: plain values quoted, generated ones as shell expansions. */
function createManifest(name: string, labels: Readonly<Record<string, string>>, data: readonly (readonly [string, string])[]): string {
  const labelPairs = Object.entries(labels).map(([k, v]) => [k, heredocJson(v)] as const);
  return jsonObject([
    ['apiVersion', '"v1"'], ['kind', '"Secret"'],
    ['metadata', jsonObject([['name', heredocJson(name)], ['labels', jsonObject(labelPairs)]])],
    ['type', '"Opaque"'],
    ['stringData', jsonObject(data)],
  ]);
}

/**
 * The Job's script: POSIX sh (busybox ash), `set -eu`. It creates a
 * Secret only with `kubectl create` (which refuses one that exists) and
 * changes an existing one only by patching its plain keys, so a failed or
 * repeated run never overwrites a generated value; a failed run fails the
 * pod, and the Job retries. It never prints a value. The kubelet expands
 * `$(NAME)` in a command only for the container's env names (HOME, PATH,
 * KUBERNETES_*) and leaves any other `$(…)` as written, so the script's
 * command substitutions reach sh unchanged; it holds no `$$`, which the
 * kubelet would reduce to `$`.
 */
export function secretsScript(secrets: readonly GeneratedSecret[], namespace: string, labels: Readonly<Record<string, string>>, sharedLabels: Readonly<Record<string, string>>): string {
  const lines = [
    'set -eu',
    `bb=${TOOLS}/busybox`,
    `k() { kubectl --namespace=${shellQuote(namespace)} "$@"; }`,
    '# $1 random bytes from the kernel CSPRNG, as hex',
    'hex() { $bb head -c "$1" /dev/urandom | $bb od -An -v -tx1 | $bb tr -d " \\n"; }',
    '# $1 random upper-case letters and digits',
    'alnum() { $bb head -c 4096 /dev/urandom | $bb tr -dc A-Z0-9 | $bb head -c "$1"; }',
    '# whether Secret $1 exists; an error reads as absent, and the create that follows then fails: nothing is ever overwritten',
    'exists() { found=$(k get secret "$1" --ignore-not-found -o name); [ -n "$found" ]; }',
  ];
  if (secrets.some((s) => s.awsCredentials)) {
    const shared = createManifest(SHARED_AWS_CREDENTIALS, sharedLabels, [['AWS_ACCESS_KEY_ID', '"DEV$(alnum 17)"'], ['AWS_SECRET_ACCESS_KEY', '"$(hex 20)"']]);
    const read = (key: string) => `$(k get secret ${SHARED_AWS_CREDENTIALS} -o jsonpath='{.data.${key}}' | $bb base64 -d)`;
    lines.push(
      "# the environment's dev AWS credentials: the first stand-in Job generates them, every one copies them",
      `if ! exists ${SHARED_AWS_CREDENTIALS}; then`,
      `  k create -f - <<EOF || exists ${SHARED_AWS_CREDENTIALS}`,
      shared,
      'EOF',
      'fi',
      `aws_key_id=${read('AWS_ACCESS_KEY_ID')}`,
      `aws_secret_key=${read('AWS_SECRET_ACCESS_KEY')}`,
      '[ -n "$aws_key_id" ] && [ -n "$aws_secret_key" ]',
    );
  }
  for (const s of secrets) {
    const plain = Object.entries(s.values).map(([k, v]) => [k, heredocJson(v)] as const);
    const generated = [
      ...(s.generated ?? []).map((k) => [k, '"$(hex 32)"'] as const),
      ...(s.awsCredentials ? [['AWS_ACCESS_KEY_ID', '"$aws_key_id"'], ['AWS_SECRET_ACCESS_KEY', '"$aws_secret_key"']] as const : []),
    ];
    const patch = JSON.stringify({ metadata: { labels }, stringData: s.values });
    const kept = generated.map(([k]) => k);
    lines.push(
      `# ${s.name}: ${kept.length ? `${kept.join(', ')} generated once, ` : ''}${Object.keys(s.values).join(', ')} from the program`,
      `if exists ${s.name}; then`,
      `  k patch secret ${s.name} --type=merge -p ${shellQuote(patch)} >/dev/null`,
      `  echo "Secret ${s.name} exists: ${kept.length ? `kept ${kept.join(', ')}, ` : ''}updated ${Object.keys(s.values).join(', ')}"`,
      'else',
      '  k create -f - <<EOF',
      createManifest(s.name, labels, [...plain, ...generated]),
      'EOF',
      `  echo "Secret ${s.name} created"`,
      'fi',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Puts the object in the Secrets' sync wave: the pipeline's Argo CD annotations come first and give it -1, this patch then sets -2. */
function earlier(obj: ApiObject, ctx: RecipeContext): void {
  if (ctx.platform.argoCdAnnotations) obj.addJsonPatch(JsonPatch.add(`/metadata/annotations/${SYNC_WAVE.replace('/', '~1')}`, SECRETS_WAVE));
}

/**
 * Renders the Job that writes `secrets` in the cluster, with its
 * ServiceAccount, Role, RoleBinding and NetworkPolicy (named
 * `<id>-secrets`), in their own scope of the resource.
 */
export function renderSecretsJob(resource: ResourceRef, ctx: RecipeContext, options: ResolvedOptions, secrets: readonly GeneratedSecret[]): void {
  const { platform } = ctx;
  const scope = new Construct(ctx.scope, 'Secrets');
  const name = secretsJobName(resource.name);
  // the objects are the resource's (its name label) but their own instance, named like them: the stand-in's
  // Service, selectors and NetworkPolicy (which select its instance label) never match the Job's pods
  const own = meta(resource, ctx, options.images.kubectl, name);
  const base = { ...own, labels: { ...own.labels, [INSTANCE_LABEL]: name } };
  const argo: Record<string, string> = platform.argoCdAnnotations ? { [SYNC_WAVE]: SECRETS_WAVE } : {};
  const metadata: k8s.ObjectMeta = { ...base, annotations: Object.keys({ ...base.annotations, ...argo }).length ? { ...base.annotations, ...argo } : undefined };
  // the Secrets carry the resource's labels, as its other objects do (minus the version: they outlive images)
  const labels = Object.fromEntries(Object.entries(resource.standardMetadata(ctx).labels).filter(([k]) => k !== VERSION_LABEL));
  // the shared AWS credentials belong to no one stand-in: the app's and team's labels only
  const sharedLabels = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== INSTANCE_LABEL && k !== NAME_LABEL));

  earlier(goldenServiceAccount(scope, metadata), ctx);

  const names = [...new Set(secrets.map((s) => s.name))];
  const shared = secrets.some((s) => s.awsCredentials);
  earlier(new k8s.KubeRole(scope, 'Role', {
    metadata,
    rules: [
      { apiGroups: [''], resources: ['secrets'], resourceNames: names, verbs: ['get', 'patch'] },
      // the environment's shared dev AWS credentials are only read (or created once): no Job may rewrite them
      ...(shared ? [{ apiGroups: [''], resources: ['secrets'], resourceNames: [SHARED_AWS_CREDENTIALS], verbs: ['get'] }] : []),
      // RBAC cannot limit create by name: the name is not known when a create is authorized
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
  }), ctx);
  earlier(new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.environment.namespace }],
  }), ctx);

  const tools = { name: 'tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } };
  const copy: k8s.Container = {
    ...goldenContainer({ name: 'busybox', image: options.images.busybox, size: 'nano', mounts: [tmpMount(), { name: 'tools', mountPath: TOOLS }] }, platform),
    command: ['cp', '/bin/busybox', `${TOOLS}/busybox`],
  };
  const write: k8s.Container = goldenContainer({
    name: 'kubectl',
    image: options.images.kubectl,
    command: [`${TOOLS}/busybox`, 'sh', '-c', secretsScript(secrets, ctx.environment.namespace, labels, sharedLabels)],
    // kubectl caches API discovery under $HOME/.kube
    env: { HOME: '/tmp', PATH: '/usr/local/bin:/usr/bin:/bin' },
    size: 'small',
    mounts: [tmpMount(), { name: 'tools', mountPath: TOOLS, readOnly: true }],
  }, platform);
  const pod = goldenPodSpec({
    serviceAccountName: name,
    controller: 'Job',
    selector: policySelector(name),
    restartPolicy: 'Never',
    spread: false,
    initContainers: [copy],
    containers: [write],
    volumes: [tmpVolume(), tools],
  }, platform);
  earlier(new k8s.KubeJob(scope, 'Job', {
    metadata: platform.argoCdAnnotations ? { ...metadata, annotations: { ...metadata.annotations, [SYNC_OPTIONS]: 'Force=true,Replace=true' } } : metadata,
    spec: runJobSpec({ backoffLimit: 4, activeDeadlineSeconds: 600 }, {
      metadata: { labels: { ...base.labels }, annotations: { 'kubectl.kubernetes.io/default-container': 'kubectl' } },
      // the one pod that mounts a token: it calls the API server
      spec: { ...pod, automountServiceAccountToken: true },
    }),
  }), ctx);

  earlier(goldenNetworkPolicy(scope, {
    metadata,
    name,
    ingress: [],
    egress: [{
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
      ports: API_SERVER_PORTS.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
    }],
  }), ctx);
}
