#!/usr/bin/env node
'use strict';
// In a clone of the repository the CLI runs from the TypeScript sources (through tsx);
// the published package has no sources and runs the compiled build.
const fs = require('fs');
const path = require('path');
// Node 22.1+ keeps V8's compiled code of the modules between runs (compiling them is about a seventh of a cold synth); a no-op before
require('module').enableCompileCache?.();
const source = path.join(__dirname, '..', 'lib', 'cli', 'main.ts');
const argv = process.argv.slice(2);
// the commands that run the user's program (through tsx, in a namespace of their own)
const RUNS_PROGRAM = new Set(['synth', 'diff', 'graph']);
const fromSource = fs.existsSync(source);
deferCdk8sYaml();
// loaded first for those commands, so that tsx's lexer compiles while the CLI's modules load (see lexerReady)
const tsx = fromSource || RUNS_PROGRAM.has(argv[0]) ? require('tsx/cjs/api') : undefined;
// (tsx's plain register, not a namespace: the CLI's own dynamic import() of ES modules, e.g. Graphviz, must stay untouched)
if (fromSource) tsx.register();
const cli = fromSource ? require(source) : require(path.join(__dirname, '..', 'build', 'cli', 'main.js'));

/**
 * tsx reads every .js file it loads (cdk8s, yaml, the compiled libk8s, …)
 * with es-module-lexer, to find ES module syntax: with its WebAssembly build
 * once that has compiled, which tsx starts asynchronously as it loads, and
 * until then with its asm.js build, about twice as slow. The program is
 * loaded synchronously, so without a turn of the event loop first all of it
 * would go through the slow build (about 40 ms of the quickstart's synth).
 * Waits for that compile, at most 50 ms; with another tsx it just yields once.
 */
function lexerReady() {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  return turn().then(() => {
    const file = Object.keys(require.cache).find((f) => /[\\/]tsx[\\/]dist[\\/]lexer-[^\\/]*\.cjs$/.test(f));
    const init = file ? require.cache[file].exports.init : undefined;
    if (!init || typeof init.then !== 'function') return undefined;
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(resolve, 50); });
    return Promise.race([Promise.resolve(init).catch(() => undefined), timeout]).then(() => clearTimeout(timer)).then(turn);
  });
}

/**
 * cdk8s loads the `yaml` package as it loads (its lib/yaml.js, required by
 * its App), for `Yaml.load`, `Yaml.stringify`, `Include` and `Helm`, which a
 * libk8s synth never calls (libk8s serializes its output itself): 72 modules,
 * a sixth of a cold synth. Here cdk8s gets a stand-in for it that loads the
 * package on first use, so a program that does use them works unchanged.
 * Only that one require is affected, in this process; the program's own
 * `import 'yaml'` and everything else load as always.
 */
function deferCdk8sYaml() {
  const Module = require('module');
  const load = Module._load;
  const fromCdk8s = /[\\/]cdk8s[\\/]lib[\\/]yaml\.js(\?.*)?$/;
  Module._load = function (request, parent, isMain) {
    if (request !== 'yaml' || !parent || !fromCdk8s.test(parent.filename || parent.id || '')) return load.apply(this, arguments);
    let real;
    const yaml = () => (real = real || load.call(this, request, parent, isMain));
    // `__esModule`: cdk8s's __importStar then keeps the stand-in as it is, instead of copying its keys
    return new Proxy({}, {
      get: (_, key) => (key === '__esModule' ? true : Reflect.get(yaml(), key)),
      has: (_, key) => key === '__esModule' || Reflect.has(yaml(), key),
      ownKeys: () => Reflect.ownKeys(yaml()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(yaml(), key);
        return d && { ...d, configurable: true };
      },
    });
  };
}

(tsx ? lexerReady() : Promise.resolve()).then(() => cli.main(argv)).then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(e); process.exitCode = 1; },
);
