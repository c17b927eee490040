// The public API of libk8s. Importing it loads the synth pipeline and registers the built-in recipes; it never loads the CLI.
import './synth';
import './recipes';

export { App, AppProps } from './core/app';
export { Component, ComponentRole, RenderContext, PatchTarget, PlacementProps, Scope } from './core/component';
export { EnvironmentProps, Environment } from './core/environment';
export { KubernetesVersion, MIN_KUBERNETES_VERSION, MAX_KUBERNETES_VERSION, DEFAULT_KUBERNETES_VERSION } from './core/kube-version';
export { Libk8sError, Problem, formatProblem } from './core/errors';
export { PlatformProps, Platform, SizeName, ResourceSpec, GatewayRef, DEFAULT_SIZES, DeliveryProps, DeliveryTarget } from './core/platform';
export { MonitoringProps, Monitoring, ExposureProps, Exposure } from './core/exposure';
export {
  ObjectRole, RenderedObject, RenderedEnvironment, RenderOptions, SynthOptions, SynthResult, EnvironmentSummary, OutputLayout, GuardrailsMode,
} from './core/pipeline';
export { SourceLocation } from './core/source';
export {
  Recipe, RecipeContext, RecipeRegistry, RecipeSelection, ResourceType, ResourceRef, WorkloadRef, Access, Connection, ConnectionValue, NetworkPeer,
  Grant, IdentityBinding, QueueScaler, RecipeWaiver, secretValues,
} from './core/recipe';
export { Wire, wiresOf, ConnectOptions, ConnectionFormat, WiredValue, ComposedEnv } from './core/wiring';
export {
  Severity, SeveritySetting, PolicyChange, PackName, Origin, Subject, Violation, RuleContext, RuleAliases, Rule, Waiver, Finding, Report, GuardrailsProps,
  PolicyEngine,
} from './core/policy';
export {
  Env, EnvSource, EnvValue, ProbeProps, ProbesProps, ProbeTiming, PortProps, ResourcesProps, ContainerProps, VolumeProps, VolumeSource,
  AppProtocol, HttpProbeProps, ExecProbeProps, TcpProbeProps, GrpcProbeProps, HttpHeader,
} from './pod/container';
export { ProtocolProps, GrpcRouteMatchProps, RouteKind } from './workloads/protocols';
export { AutoscaleProps, ConfigFilesProps, EgressRule, PreStopProps, RolloutProps, ScalingProps, WorkloadOverrides, WorkloadProps, WorkloadObjects } from './workloads/workload';
export { WebService, WebServiceProps, WebServiceOverrides, WebServiceObjects, RouteProps } from './workloads/web-service';
export { Worker, WorkerProps, WorkerBaseProps } from './workloads/worker';
export {
  IngressPeer, MatchLabels, IngressProps, ServicePortProps, ServiceProps, ServiceBaseProps, ClusterIpServiceProps, LoadBalancerServiceProps, NodePortServiceProps,
} from './workloads/ingress';
export { MetricsProps, MetricsOptions } from './workloads/monitoring';
export { CronTask, CronTaskProps, CronTaskOverrides, CronTaskObjects, CronSchedule, CronMacro, ConcurrencyPolicy } from './workloads/cron-task';
export { Task, TaskProps, TaskOverrides, TaskObjects, JobBaseProps } from './workloads/task';
export { QueueWorker, QueueWorkerProps, QueueWorkerOverrides, QueueWorkerObjects, QueueAutoscaleProps } from './workloads/queue-worker';
export { Resource, ResourceProps, ResourceSize } from './resources/resource';
export { Queue, QueueProps, QueueSpec, DeadLetterProps } from './resources/queue';
export { Postgres, PostgresProps, PostgresSpec, PostgresVersion } from './resources/postgres';
export { Redis, RedisProps, RedisSpec, RedisVersion } from './resources/redis';
export { Bucket, BucketProps, BucketSpec } from './resources/bucket';
export {
  external, ExternalOptions, crossplaneAws, CrossplaneAwsOptions, ProviderConfigRef, inCluster, InClusterOptions,
  gkeWorkloadIdentity, GkeWorkloadIdentityOptions, azureWorkloadIdentity, AzureWorkloadIdentityOptions, IdentityFunction,
} from './recipes';
export {
  kustomize, argoCdOrdering, argoCd, flux, namespaces, podSecurityLabels, deliveriesFor, resolveDelivery, DELIVERY_TARGETS, ResolvedDelivery, DeliveryOverrides,
} from './gitops';
export { Delivery, DeliveryContext, DeliveryAppContext, DeliverySource } from './core/delivery';
export { toYaml, toYamlStream, runSynthSession, currentSynthSession, SynthSession } from './synth';
export { JsonPatch, ApiObject } from 'cdk8s';
export { Guardrails, ALL_PACKS, blocking, aliasesOf } from './guardrails/engine';
export { GuardrailsError, formatFinding, findingLocation } from './guardrails/format';
export {
  podSpecOf, containersOf, selects, mapSelects, WORKLOAD_KINDS, LONG_RUNNING_KINDS, POD_TEMPLATE_KIND, PodSpecRef, ContainerRef,
} from './guardrails/pod-spec';
export { policyChanges, formatPolicyLines } from './guardrails/reporters/policy';
export { BUILTIN_RULES } from './guardrails/packs';
export { guardrailsFor } from './guardrails/platform';
export { formatTable, TableOptions } from './guardrails/reporters/table';
export { formatJson, toJsonReport, JsonReport, JsonFinding, JsonOptions } from './guardrails/reporters/json';
export {
  formatSarif, toSarif, SARIF_SCHEMA, SarifLog, SarifRun, SarifRule, SarifResult, SarifLocation, SarifNotification, SarifLevel, SarifOptions,
} from './guardrails/reporters/sarif';
export { summarize, formatSummary, InputError, ReportSummary, Reports } from './guardrails/reporters/summary';
export {
  Libk8sValidation, UNREADABLE_MANIFEST_RULE, Cdk8sValidationContext, Cdk8sValidationReport, Cdk8sValidationViolation, Cdk8sViolatingResource,
} from './guardrails/cdk8s-plugin';
