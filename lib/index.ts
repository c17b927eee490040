export { App, AppProps } from './core/app';
export { Component, RenderContext, PatchTarget } from './core/component';
export { EnvironmentProps, Environment } from './core/environment';
export { Libk8sError, Problem, formatProblem } from './core/errors';
export { PlatformProps, Platform, SizeName, ResourceSpec, GatewayRef, DEFAULT_SIZES } from './core/platform';
export { RenderedObject, RenderedEnvironment } from './core/render';
export { SynthOptions, SynthResult, EnvironmentSummary, OutputLayout } from './core/synth';
export { SourceLocation } from './core/source';
export { toYaml, toYamlStream } from './core/yaml';
export {
  Env, EnvSource, EnvValue, ProbeProps, ProbesProps, ProbeTiming, PortProps, ResourcesProps, ContainerProps, VolumeProps, VolumeSource,
} from './workloads/container';
export { AutoscaleProps, ConfigFilesProps, EgressRule, ScalingProps, WorkloadOverrides, WorkloadProps, WorkloadObjects } from './workloads/workload';
export { WebService, WebServiceProps, WebServiceOverrides, WebServiceObjects, RouteProps, Scope } from './workloads/web-service';
export { Worker, WorkerProps, WorkerBaseProps } from './workloads/worker';
export { CronTask, CronTaskProps, CronTaskOverrides, CronTaskObjects, CronSchedule, CronMacro, ConcurrencyPolicy } from './workloads/cron-task';
export { Task, TaskProps, TaskOverrides, TaskObjects, JobBaseProps } from './workloads/task';
export { QueueWorker, QueueWorkerProps, QueueWorkerOverrides, QueueWorkerObjects, QueueAutoscaleProps } from './workloads/queue-worker';
export { Resource, ResourceProps, ResourceSize } from './resources/resource';
export { Queue, QueueProps, QueueSpec, DeadLetterProps } from './resources/queue';
export { Postgres, PostgresProps, PostgresSpec, PostgresVersion } from './resources/postgres';
export { Redis, RedisProps, RedisSpec, RedisVersion } from './resources/redis';
export { Bucket, BucketProps, BucketSpec } from './resources/bucket';
export {
  Recipe, RecipeContext, RecipeRegistry, RecipeSelection, ResourceType, ResourceRef, WorkloadRef, Access, Connection, ConnectionValue, NetworkPeer,
  Grant, IdentityBinding, QueueScaler, RecipeWaiver, secretValues,
} from './core/recipe';
export { Wire, wiresOf } from './wiring/wiring';
export {
  external, ExternalOptions, crossplaneAws, CrossplaneAwsOptions, ProviderConfigRef, inCluster, InClusterOptions,
  gkeWorkloadIdentity, GkeWorkloadIdentityOptions, azureWorkloadIdentity, AzureWorkloadIdentityOptions, IdentityFunction,
} from './recipes';
export { JsonPatch, ApiObject } from 'cdk8s';
export { Guardrails, ALL_PACKS, blocking, aliasesOf } from './guardrails/engine';
export { GuardrailsError, formatFinding, findingLocation } from './guardrails/format';
export { podSpecOf, containersOf, selects, mapSelects, WORKLOAD_KINDS, LONG_RUNNING_KINDS, PodSpecRef, ContainerRef } from './guardrails/pod';
export { BUILTIN_RULES } from './guardrails/packs';
export {
  Severity, PackName, Origin, Subject, Violation, RuleContext, RuleAliases, Rule, Waiver, Finding, Report, GuardrailsProps,
} from './guardrails/types';
export { formatTable, TableOptions } from './guardrails/reporters/table';
export { formatJson, toJsonReport, JsonReport, JsonFinding, JsonOptions } from './guardrails/reporters/json';
export {
  formatSarif, toSarif, SARIF_SCHEMA, SarifLog, SarifRun, SarifRule, SarifResult, SarifLocation, SarifNotification, SarifLevel, SarifOptions,
} from './guardrails/reporters/sarif';
export { summarize, formatSummary, InputError, ReportSummary, Reports } from './guardrails/reporters/summary';
export {
  Libk8sValidation, UNREADABLE_MANIFEST_RULE, Cdk8sValidationContext, Cdk8sValidationReport, Cdk8sValidationViolation, Cdk8sViolatingResource,
} from './cdk8s-plugin';
