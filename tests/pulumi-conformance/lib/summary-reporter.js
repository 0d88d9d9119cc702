'use strict';
// A node:test reporter that writes { Passed, Failed, Skipped } (one count per test case) as JSON, and the failures
// with their messages, for build.ps1's Test summary.
module.exports = async function* summaryReporter(source) {
    const counts = { Passed: 0, Failed: 0, Skipped: 0 };
    const failures = [];
    for await (const event of source) {
        if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
        const data = event.data;
        if (data.details?.type === 'suite') continue;
        if (data.skip !== undefined || data.todo !== undefined) {
            counts.Skipped++;
        } else if (event.type === 'test:pass') {
            counts.Passed++;
        } else {
            counts.Failed++;
            const error = data.details?.error;
            failures.push({ Name: data.name, File: data.file, Message: String(error?.cause?.message ?? error?.message ?? error) });
        }
    }
    yield JSON.stringify({ ...counts, Failures: failures }, null, 2) + '\n';
};
