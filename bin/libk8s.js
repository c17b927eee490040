#!/usr/bin/env node
'use strict';
// In a clone of the repository the CLI runs from the TypeScript sources (through tsx);
// the published package has no sources and runs the compiled build.
const fs = require('fs');
const path = require('path');
const source = path.join(__dirname, '..', 'lib', 'cli', 'main.ts');
// (tsx's plain register, not a namespace: the CLI's own dynamic import() of ES modules, e.g. Graphviz, must stay untouched)
const cli = fs.existsSync(source)
  ? (require('tsx/cjs/api').register(), require(source))
  : require(path.join(__dirname, '..', 'build', 'cli', 'main.js'));
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(e); process.exitCode = 1; },
);
