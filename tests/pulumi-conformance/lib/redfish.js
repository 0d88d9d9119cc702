'use strict';
// A Redfish BMC for the Platform resource: the project's emulator (tests/HdIov.Testing.Redfish, built with the
// solution) serving the DMTF mockup over HTTPS on a loopback port. Its first stdout line is JSON with the endpoint and
// the CA certificate that signed its server certificate; it ends when its standard input closes.
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const { redfishEmulator } = require('./paths');

async function startRedfishEmulator({ user, password }) {
    const child = spawn('dotnet', [redfishEmulator(), '--user', user, '--password', password], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    const first = await new Promise((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the Redfish emulator exited with code ${code} before printing its endpoint`)));
        child.once('error', reject);
    });
    const ready = JSON.parse(first);
    return {
        endpoint: ready.endpoint,
        caCertificate: ready.caCertificate,
        stop: () => new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
            child.once('exit', () => { clearTimeout(timer); resolve(); });
            child.stdin.end();
        }),
    };
}

module.exports = { startRedfishEmulator };
