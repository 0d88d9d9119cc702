'use strict';
// Starts pulumi-resource-hdiov the way the engine does and drives it through the engine's call sequences.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { grpc, prov, provGrpc, plugin, engGrpc, Empty } = require('./stubs');
const { call, listen } = require('./rpc');
const { toStruct, fromStruct } = require('./values');
const { providerBinary } = require('./paths');

const PROJECT = 'proj';
const STACK = 'dev';
const CHANNEL_OPTIONS = { 'grpc.max_receive_message_length': 400 << 20, 'grpc.max_send_message_length': 400 << 20 };
const running = new Set();

// A provider left running by a failed test must not outlive the harness: the engine would kill it too.
process.on('exit', () => {
    for (const child of running) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
});

const urnOf = (type, name) => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
const stackUrn = urnOf('pulumi:pulumi:Stack', `${PROJECT}-${STACK}`);

/** The Engine service the provider logs to; records every LogRequest. */
async function startEngine() {
    const logs = [];
    const engine = await listen(engGrpc.EngineService, {
        log: (c, cb) => {
            logs.push({ severity: c.request.getSeverity(), message: c.request.getMessage(), urn: c.request.getUrn() });
            cb(null, new Empty());
        },
    });
    return { ...engine, logs };
}

/**
 * Launches the plugin: its own process group (the engine interrupts the whole group), the program's directory as the
 * working directory, the engine's flags and address as arguments. Reads stdout byte by byte up to the first "\n" as
 * the engine does, keeps the raw port line and everything written after it.
 */
async function launch({ flags = [], withAddress = true, cwd } = {}) {
    const binary = providerBinary();
    const engine = await startEngine();
    const programDir = cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hdiov-program-'));
    const ownsProgramDir = cwd === undefined;
    const args = [...flags, ...(withAddress ? [engine.address] : [])];
    const child = spawn(binary, args, { cwd: programDir, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    running.add(child);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));

    let stdout = Buffer.alloc(0);
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const portLine = await new Promise((resolve, reject) => {
        let found = false;
        const timer = setTimeout(() => reject(new Error(`no port line on stdout within 60 s; stderr: ${stderr}`)), 60_000);
        child.stdout.on('data', (chunk) => {
            stdout = Buffer.concat([stdout, chunk]);
            const end = stdout.indexOf(0x0a);
            if (end >= 0 && !found) {
                found = true;
                clearTimeout(timer);
                resolve(stdout.subarray(0, end + 1));
            }
        });
        exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`the plugin exited (${code ?? signal}) before writing its port; stderr: ${stderr}`)); });
    });
    const line = portLine.toString('latin1');
    const port = /^[0-9]+\n$/.test(line) ? Number(line.trim()) : NaN;
    if (!(port >= 1 && port <= 65535)) {
        child.kill('SIGKILL');
        throw new Error(`the plugin wrote an invalid port line: ${JSON.stringify(line)}`);
    }

    const client = new provGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const printedAt = Date.now();
    await new Promise((resolve, reject) => client.waitForReady(printedAt + 10_000, (e) => (e ? reject(e) : resolve())));

    return new Provider({ child, client, engine, binary, programDir, ownsProgramDir, portLine: line, exited,
        extraStdout: () => stdout.subarray(portLine.length).toString('utf8'), stderr: () => stderr });
}

class Provider {
    constructor(fields) {
        Object.assign(this, fields);
        this.version = undefined;
    }

    call(method, request) {
        return call(this.client, method, request);
    }

    async handshake() {
        const request = new prov.ProviderHandshakeRequest();
        request.setEngineAddress(this.engine.address);
        request.setRootDirectory(path.dirname(this.binary));
        request.setProgramDirectory(this.programDir);
        request.setConfigureWithUrn(true);
        request.setSupportsViews(true);
        request.setSupportsRefreshBeforeUpdate(true);
        request.setInvokeWithPreview(true);
        request.setAcceptsByteString(true);
        return this.call('handshake', request);
    }

    async pluginInfo() {
        const info = await this.call('getPluginInfo', new Empty());
        this.version = info.getVersion();
        return info;
    }

    providerUrn() {
        return urnOf('pulumi:providers:hdiov', `default_${(this.version ?? '0.0.0').replace(/[.-]/g, '_')}`);
    }

    async checkConfig(news, olds) {
        const request = new prov.CheckRequest();
        request.setUrn(this.providerUrn());
        request.setName(this.providerUrn().split('::').pop());
        request.setType('pulumi:providers:hdiov');
        if (olds) request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        const response = await this.call('checkConfig', request);
        return { inputs: fromStruct(response.getInputs()), failures: failuresOf(response) };
    }

    async configure(args) {
        const request = new prov.ConfigureRequest();
        for (const [key, value] of Object.entries(args)) {
            if (key !== 'version') request.getVariablesMap().set(`hdiov:config:${key}`, typeof value === 'string' ? value : JSON.stringify(value));
        }
        request.setArgs(toStruct(args));
        request.setAcceptsecrets(true);
        request.setAcceptresources(true);
        request.setSendsOldInputs(true);
        request.setSendsOldInputsToDelete(true);
        request.setUrn(this.providerUrn());
        request.setName(this.providerUrn().split('::').pop());
        request.setType('pulumi:providers:hdiov');
        request.setId('04b6c0a5-5f0e-4d8a-9c39-2f7a4e0d1c11');
        return this.call('configure', request);
    }

    /** What the engine does for a default provider: Handshake, GetPluginInfo, CheckConfig of the stack config, Configure. */
    async start(config) {
        const handshake = await this.handshake();
        await this.pluginInfo();
        const checked = await this.checkConfig({ ...config, version: this.version });
        if (checked.failures.length > 0) throw new Error(`CheckConfig failed: ${JSON.stringify(checked.failures)}`);
        const configured = await this.configure(checked.inputs);
        return { handshake, checked, configured };
    }

    async check(type, name, news, olds = {}) {
        const request = new prov.CheckRequest();
        request.setUrn(urnOf(type, name));
        request.setName(name);
        request.setType(type);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setRandomseed(Buffer.alloc(32, 7));
        const response = await this.call('check', request);
        return { inputs: fromStruct(response.getInputs()), failures: failuresOf(response) };
    }

    async diff(type, name, { id, olds, news, oldInputs, ignoreChanges = [] }) {
        const request = new prov.DiffRequest();
        request.setId(id);
        request.setUrn(urnOf(type, name));
        request.setName(name);
        request.setType(type);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setOldInputs(toStruct(oldInputs));
        request.setIgnorechangesList(ignoreChanges);
        const r = await this.call('diff', request);
        const detailed = {};
        r.getDetaileddiffMap().forEach((v, k) => { detailed[k] = { kind: v.getKind(), inputDiff: v.getInputdiff() }; });
        return {
            changes: r.getChanges(), diffs: r.getDiffsList(), replaces: r.getReplacesList(), stables: r.getStablesList(),
            deleteBeforeReplace: r.getDeletebeforereplace(), hasDetailedDiff: r.getHasdetaileddiff(), detailed,
        };
    }

    async create(type, name, properties, { preview = false } = {}) {
        const request = new prov.CreateRequest();
        request.setUrn(urnOf(type, name));
        request.setName(name);
        request.setType(type);
        request.setProperties(toStruct(properties));
        request.setPreview(preview);
        const r = await this.call('create', request);
        return { id: r.getId(), outputs: fromStruct(r.getProperties()) };
    }

    async update(type, name, { id, olds, news, oldInputs, preview = false }) {
        const request = new prov.UpdateRequest();
        request.setId(id);
        request.setUrn(urnOf(type, name));
        request.setName(name);
        request.setType(type);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setOldInputs(toStruct(oldInputs));
        request.setPreview(preview);
        const r = await this.call('update', request);
        return { outputs: fromStruct(r.getProperties()) };
    }

    /** Read; without properties and inputs it is an import. */
    async read(type, name, { id, properties, inputs }) {
        const request = new prov.ReadRequest();
        request.setId(id);
        request.setUrn(urnOf(type, name));
        request.setName(name);
        request.setType(type);
        if (properties) request.setProperties(toStruct(properties));
        if (inputs) request.setInputs(toStruct(inputs));
        const r = await this.call('read', request);
        return { id: r.getId(), outputs: fromStruct(r.getProperties()), inputs: fromStruct(r.getInputs()) };
    }

    async delete(type, name, { id, properties, oldInputs }) {
        const request = new prov.DeleteRequest();
        request.setId(id);
        request.setUrn(urnOf(type, name));
        request.setName(name);
        request.setType(type);
        request.setProperties(toStruct(properties));
        request.setOldInputs(toStruct(oldInputs));
        await this.call('delete', request);
    }

    /** The engine's shutdown: Cancel, then SIGINT to the process group, then SIGKILL after 5 s. */
    async shutdown({ cancel = true } = {}) {
        const started = Date.now();
        let cancelMs;
        if (cancel && this.child.exitCode === null && this.child.signalCode === null) {
            try {
                await call(this.client, 'cancel', new Empty(), 5_000);
                cancelMs = Date.now() - started;
            } catch (error) {
                if (error.code !== grpc.status.UNAVAILABLE) throw error;
            }
        }
        this.client.close();
        try { process.kill(-this.child.pid, 'SIGINT'); } catch { /* already gone */ }
        const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 5_000));
        let exit = await Promise.race([this.exited, timeout]);
        const killed = exit === null;
        if (killed) {
            try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
            exit = await this.exited;
        }
        this.engine.close();
        if (this.ownsProgramDir) fs.rmSync(this.programDir, { recursive: true, force: true });
        return { ...exit, killed, cancelMs, elapsedMs: Date.now() - started };
    }
}

function failuresOf(response) {
    return response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
}

module.exports = { launch, urnOf, stackUrn, PROJECT, STACK };
