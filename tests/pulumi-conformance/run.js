'use strict';
// Runs every test/*.test.js one file at a time with node:test, prints the spec report, and writes
// { Passed, Failed, Skipped, Failures } to the path given with --summary. Exits 1 when a test failed.
const fs = require('node:fs');
const path = require('node:path');
const { run } = require('node:test');
const reporters = require('node:test/reporters');
const summaryReporter = require('./lib/summary-reporter');

const at = process.argv.indexOf('--summary');
const summaryPath = at > 0 ? path.resolve(process.argv[at + 1]) : path.join(__dirname, 'summary.json');
const only = process.argv.slice(2).filter((a, i, all) => a !== '--summary' && all[i - 1] !== '--summary');

const testDir = path.join(__dirname, 'test');
const files = fs.readdirSync(testDir).filter((f) => f.endsWith('.test.js')).sort()
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .map((f) => path.join(testDir, f));

const stream = run({ files, concurrency: 1, timeout: 10 * 60_000 });
const spec = typeof reporters.spec === 'function' && reporters.spec.prototype?._transform ? new reporters.spec() : reporters.spec;
stream.compose(spec).pipe(process.stdout);

(async () => {
    let summary = '';
    for await (const chunk of summaryReporter(stream)) summary += chunk;
    fs.mkdirSync(path.dirname(summaryPath), { recursive: true });
    fs.writeFileSync(summaryPath, summary);
    const counts = JSON.parse(summary);
    process.exitCode = counts.Failed > 0 ? 1 : 0;
})();
