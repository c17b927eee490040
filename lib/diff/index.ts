// `libk8s diff`: what a change to the program does to every environment's manifests.
export type * from './types';
export { diffFields, similarity, keyPath, leafCount } from './fields';
export type { FieldDiff, FieldDiffOptions } from './fields';
export { diffEnvironments, diffEnvironment, identityOf, identityKey, renamer, diffExitCode, DIFF_EXIT } from './engine';
export type { DiffOptions } from './engine';
export { isManifestPath, readOutputFiles, readOutputTree, parseOutputFiles, parseManifestStream, fromRendered } from './inputs';
export type { OutputFiles, FromRenderedOptions } from './inputs';
export { readGitFiles, readGitTree, readBaseline } from './git';
export type { Baseline, BaselineOptions } from './git';
export { formatDiff, formatDiffText, formatDiffMarkdown, formatDiffJson, toDiffJson, countsLine, summaryLine, showValue, escapeMarkdown } from './format';
export type { DiffFormat, DiffFormatOptions, DiffJson } from './format';
