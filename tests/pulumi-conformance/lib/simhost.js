'use strict';
// Simulated hosts for the harness: made by the laid-out PowerShell module in a child pwsh, read back directly from
// their files. A simulated host has symbolic-link loops like sysfs, so nothing here walks one recursively.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { repoRoot, moduleManifest } = require('./paths');

const script = path.join(__dirname, 'SimulatedHost.ps1');

function pwsh(args) {
    return new Promise((resolve, reject) => {
        execFile('dotnet', ['pwsh', '-NoProfile', '-NonInteractive', '-File', script, '-ManifestPath', moduleManifest(), ...args],
            { cwd: repoRoot, timeout: 120_000, maxBuffer: 16 << 20 },
            (error, stdout, stderr) => error
                ? reject(new Error(`child pwsh failed (${error.code ?? error.signal}): ${stderr || stdout || error.message}`))
                : resolve(stdout));
    });
}

/** Temporary folders of simulated hosts; removed by the test that made them (rm does not follow links). */
class SimulatedHost {
    constructor(root) {
        this.root = root;
    }

    static async create(profile = 'spr-qat-e810', { writes = [] } = {}) {
        const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hdiov-conformance-'));
        const root = path.join(parent, profile);
        const host = new SimulatedHost(root);
        host.parent = parent;
        const args = ['-Action', 'New', '-Path', root, '-Profile', profile];
        if (writes.length > 0) args.push('-Write', writes.map(([p, v]) => `${p}=${v}`).join('|'));
        await pwsh(args);
        return host;
    }

    /** Writes through the simulated kernel, as a shell on the host would (echo 1 > .../remove). */
    async write(...writes) {
        await pwsh(['-Action', 'Write', '-Path', this.root, '-Write', writes.map(([p, v]) => `${p}=${v}`).join('|')]);
    }

    remove() {
        if (this.parent) fs.rmSync(this.parent, { recursive: true, force: true });
    }

    file(hostPath) {
        return path.join(this.root, hostPath.replace(/^\/+/, ''));
    }

    /** The live mdevs: /sys/bus/mdev/devices/<uuid>, each with its parent and type from the links. */
    mdevs() {
        const dir = this.file('/sys/bus/mdev/devices');
        if (!fs.existsSync(dir)) return [];
        return fs.readdirSync(dir).sort().map((uuid) => {
            const device = path.resolve(dir, fs.readlinkSync(path.join(dir, uuid)));
            return {
                uuid,
                parent: path.basename(path.dirname(device)),
                type: path.basename(fs.readlinkSync(path.join(device, 'mdev_type'))),
            };
        });
    }

    /** The ownership ledger as the engine folds it: ledger.json, then each event of ledger.log in order. */
    ledger() {
        const snapshotPath = this.file('/var/lib/hdiov/ledger.json');
        const logPath = this.file('/var/lib/hdiov/ledger.log');
        const entries = fs.existsSync(snapshotPath) ? JSON.parse(fs.readFileSync(snapshotPath, 'utf8')).entries ?? [] : [];
        const log = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '';
        const same = (a, b) => a.kind === b.kind && (a.kind === 'Mdev' ? a.uuid === b.uuid : a.parent === b.parent);
        let folded = entries;
        for (const line of log.split('\n').filter(Boolean)) {
            const event = JSON.parse(line);
            folded = folded.filter((e) => !same(e, event.entry));
            if (event.op === 'Add') folded.push(event.entry);
        }
        return { entries: folded, snapshot: fs.existsSync(snapshotPath), logLines: log.split('\n').filter(Boolean).length };
    }

    ownedMdevs(prefix) {
        return this.ledger().entries.filter((e) => e.kind === 'Mdev' && (prefix === undefined || (e.vdevName ?? '').startsWith(prefix)));
    }

    numVfs(bdf) {
        return Number(fs.readFileSync(this.file(`/sys/bus/pci/devices/${bdf}/sriov_numvfs`), 'utf8').trim());
    }
}

module.exports = { SimulatedHost };
