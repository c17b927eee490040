/**
 * The benchmark's libk8s program as a user runs it, through the CLI:
 *
 *   BENCH_N=1000 node bin/libk8s.js synth bench/main.ts --out <dir> [--layout construct]
 *
 * BENCH_N services (default 1,000), built as bench/programs.ts builds them;
 * BENCH_BUMP=<i> gives service i another image (a one-service change).
 */
import { buildLibk8s } from './programs';

buildLibk8s(Number(process.env.BENCH_N ?? 1000), 'dist').synth();
