'use strict';
// Protocol details the engine relies on: the port line and a quiet stdout, argv and working directory, versions and
// schema, string-typed config, secrets, status codes, and a clean shutdown.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { grpc, prov, plugin, Empty } = require('../lib/stubs');
const { callError, codeName } = require('../lib/rpc');
const { launch } = require('../lib/provider');
const { SimulatedHost } = require('../lib/simhost');
const { moduleVersion } = require('../lib/paths');
const { secret, isSecret, reveal } = require('../lib/values');
const { DEVICE_SPLIT, PLATFORM, ATTACHMENT, HOST, qatSplit, writeStamp } = require('../lib/fixtures');
const { startRedfishEmulator } = require('../lib/redfish');

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const UNCERTAIN = new Set([grpc.status.UNKNOWN, grpc.status.INTERNAL, grpc.status.DATA_LOSS]);
const PASSWORD = 'correct-horse-battery';

async function withProvider(options, body) {
    const provider = await launch(options);
    try {
        await body(provider);
    } finally {
        await provider.shutdown().catch(() => {});
    }
}

async function withHostAndProvider(body) {
    const host = await SimulatedHost.create('spr-qat-e810');
    try {
        await withProvider({}, async (provider) => {
            await provider.start({ hostRoot: host.root, hostName: 'node-a' });
            await body(host, provider);
        });
    } finally {
        host.remove();
    }
}

function assertCertain(error, expected) {
    assert.ok(!UNCERTAIN.has(error.code), `status ${codeName(error.code)} tells the engine the outcome is unknown: ${error.details}`);
    assert.equal(codeName(error.code), codeName(expected), error.details);
}

test('stdout carries exactly the port line, before and after a full sequence', async () => {
    await withHostAndProvider(async (host, provider) => {
        assert.match(provider.portLine, /^[0-9]{1,5}\n$/);
        const checked = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(1));
        await provider.create(DEVICE_SPLIT, 'qat', checked.inputs, { preview: true });
        await provider.create(DEVICE_SPLIT, 'qat', checked.inputs);
        await provider.call('getSchema', new prov.GetSchemaRequest());
        await callError(provider.client, 'create', new prov.CreateRequest());
        const exit = await provider.shutdown();
        assert.equal(exit.code, 0);
        assert.equal(provider.extraStdout(), '', 'stdout after the port line');
    });
});

test('argv: logging flags before the address, a working directory that is not the plugin\'s, and no address plus Attach', async () => {
    const programDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdiov-program-'));
    try {
        await withProvider({ flags: ['--logtostderr', '-v=9', '--tracing', '127.0.0.1:1'], cwd: programDir }, async (provider) => {
            assert.notEqual(path.dirname(provider.binary), programDir);
            await provider.handshake();
            const info = await provider.pluginInfo();
            assert.match(info.getVersion(), SEMVER);
        });
        await withProvider({ withAddress: false, cwd: programDir }, async (provider) => {
            const attach = new plugin.PluginAttach();
            attach.setAddress(provider.engine.address);
            await provider.call('attach', attach);
            await provider.handshake();
            assert.match((await provider.pluginInfo()).getVersion(), SEMVER);
        });
    } finally {
        fs.rmSync(programDir, { recursive: true, force: true });
    }
});

test('GetPluginInfo is the release\'s semver and the schema\'s version; GetSchema answers before Configure with every resource', async () => {
    await withProvider({}, async (provider) => {
        await provider.handshake();
        const version = (await provider.pluginInfo()).getVersion();
        assert.match(version, SEMVER);
        assert.equal(version.replace(/^v/, ''), moduleVersion());
        const schema = JSON.parse((await provider.call('getSchema', new prov.GetSchemaRequest())).getSchema());
        assert.equal(schema.name, 'hdiov');
        assert.equal(schema.version, version);
        for (const token of [DEVICE_SPLIT, PLATFORM, ATTACHMENT]) {
            assert.ok(schema.resources[token], `schema lacks ${token}`);
            assert.notEqual(schema.resources[token].isComponent, true);
        }
        assert.equal(schema.resources[HOST]?.isComponent, true, 'Host is not a component in the schema');
        for (const key of ['hostRoot', 'hostName', 'bmcEndpoint', 'bmcUsername', 'bmcPassword']) {
            assert.ok(schema.config.variables[key], `config lacks ${key}`);
        }
        assert.equal(schema.config.variables.bmcPassword.secret, true);
        assert.equal(schema.resources[DEVICE_SPLIT].inputProperties.select.replaceOnChanges, true);
    });
});

test('config: CheckConfig passes string-typed values and version through, Configure takes secret envelopes, bad config is InvalidArgument', async () => {
    const host = await SimulatedHost.create('spr-qat-e810');
    try {
        await withProvider({}, async (provider) => {
            await provider.handshake();
            await provider.pluginInfo();
            const news = { hostRoot: host.root, hostName: 'node-a', bmcEndpoint: 'https://bmc.example/', bmcUsername: 'admin', bmcPassword: PASSWORD, version: provider.version };
            const checked = await provider.checkConfig(news);
            assert.deepEqual(checked.failures, []);
            assert.deepEqual(reveal(checked.inputs), news);
            const bad = await provider.checkConfig({ hostRoot: 'relative/path', colour: 'blue', version: provider.version });
            assert.deepEqual(bad.failures.map((f) => f.property).sort(), ['colour', 'hostRoot']);
            const refused = await callError(provider.client, 'configure', (() => {
                const request = new prov.ConfigureRequest();
                request.setArgs(require('../lib/values').toStruct({ hostRoot: 'relative/path' }));
                request.setAcceptsecrets(true);
                return request;
            })());
            assertCertain(refused, grpc.status.INVALID_ARGUMENT);
            const configured = await provider.configure({ ...checked.inputs, bmcUsername: secret('admin'), bmcPassword: secret(PASSWORD) });
            assert.equal(configured.getAcceptsecrets(), true);
            assert.ok(!provider.stderr().includes(PASSWORD), 'the BMC password reached stderr');
        });
    } finally {
        host.remove();
    }
});

test('config connection: CheckConfig puts the private key in a secret envelope, checks every field, and an unreachable host fails each resource with FailedPrecondition and no key', async () => {
    const privateKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PASSWORD}-not-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n`;
    const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZ0cXf6mUpYjCG8cXyTbJ8Zt1vXn0aWc3o2Cq6gZc1a';
    // Nothing listens on 127.0.0.1 port 1: ssh is refused at once.
    const connection = { host: '127.0.0.1', port: 1, user: 'root', privateKey, hostKey };
    await withProvider({}, async (provider) => {
        await provider.handshake();
        await provider.pluginInfo();
        const schema = JSON.parse((await provider.call('getSchema', new prov.GetSchemaRequest())).getSchema());
        assert.equal(schema.config.variables.connection.$ref, '#/types/hdiov:index:Connection');
        assert.equal(schema.types['hdiov:index:Connection'].properties.privateKey.secret, true);

        const checked = await provider.checkConfig({ hostName: 'node-a', connection, version: provider.version });
        assert.deepEqual(checked.failures, []);
        assert.ok(isSecret(checked.inputs.connection.privateKey), 'privateKey came back without a secret envelope');
        assert.equal(checked.inputs.connection.host, '127.0.0.1');
        const asText = await provider.checkConfig({ hostName: 'node-a', connection: JSON.stringify(connection), version: provider.version });
        assert.deepEqual(asText.failures, []);
        assert.ok(isSecret(asText.inputs.connection), 'connection given as JSON text came back without a secret envelope');

        const bad = await provider.checkConfig({ hostRoot: '/tmp', connection: { host: '127.0.0.1', port: 70000, user: 'root' }, version: provider.version });
        assert.deepEqual(bad.failures.map((f) => f.property).sort(), ['connection.hostKey', 'connection.port', 'connection.privateKey', 'hostName', 'hostRoot']);

        await provider.configure(checked.inputs);
        const checkedSplit = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(1));
        const error = await provider.create(DEVICE_SPLIT, 'qat', checkedSplit.inputs).then(() => null, (e) => e);
        assert.ok(error, 'Create on an unreachable host succeeded');
        assertCertain(error, grpc.status.FAILED_PRECONDITION);
        assert.match(error.details, /host 'node-a' \(root@127\.0\.0\.1:1\)/);
        assert.match(error.details, /Fix: /);
        assert.ok(!error.details.includes(PASSWORD), 'the private key reached an error');
        assert.ok(!provider.stderr().includes(PASSWORD), 'the private key reached stderr');
    });
});

test('secrets: Check keeps secret envelopes, outputs derived from secrets stay secret, and no secret reaches a log', async () => {
    const bmc = await startRedfishEmulator({ user: 'admin', password: PASSWORD });
    try {
        await withHostAndProvider(async (host, provider) => {
            const platform = {
                bios: { source: 'redfish', settings: { vtd: 'enabled' }, redfish: { endpoint: bmc.endpoint, caCertificate: bmc.caCertificate, username: 'admin', password: PASSWORD } },
                kernelArgs: ['hugepagesz=2M'],
            };
            const checked = await provider.check(PLATFORM, 'platform', platform);
            assert.deepEqual(checked.failures, []);
            assert.ok(isSecret(checked.inputs.bios.redfish.password), 'Check did not make bios.redfish.password secret');
            const created = await provider.create(PLATFORM, 'platform', checked.inputs);
            assert.ok(isSecret(created.outputs.bios?.redfish?.password) || isSecret(created.outputs.bios), 'the password is plain in the outputs');
            const { bios, ...rest } = created.outputs;
            assert.ok(!JSON.stringify(rest).includes(PASSWORD), 'the password appears in another output');

            // A secret the program gave: the envelope survives Check, and the output of that input is secret too.
            const split = { ...qatSplit(1), services: secret(['asym']) };
            const checkedSplit = await provider.check(DEVICE_SPLIT, 'qat', split);
            assert.deepEqual(checkedSplit.failures, []);
            assert.ok(isSecret(checkedSplit.inputs.services), `Check dropped the secret envelope: ${JSON.stringify(checkedSplit.inputs.services)}`);
            const preview = await provider.create(DEVICE_SPLIT, 'qat', checkedSplit.inputs, { preview: true });
            assert.ok(isSecret(preview.outputs.services), 'Create(preview) output services is not secret');
            const createdSplit = await provider.create(DEVICE_SPLIT, 'qat', checkedSplit.inputs);
            assert.ok(isSecret(createdSplit.outputs.services), 'Create output services is not secret');
            const read = await provider.read(DEVICE_SPLIT, 'qat', { id: createdSplit.id, properties: createdSplit.outputs, inputs: checkedSplit.inputs });
            assert.ok(isSecret(read.outputs.services) && isSecret(read.inputs.services), 'Read dropped the secret envelope');
            const plainDiff = await provider.diff(DEVICE_SPLIT, 'qat', { id: createdSplit.id, olds: createdSplit.outputs, news: { ...checkedSplit.inputs, services: ['asym'] }, oldInputs: checkedSplit.inputs });
            assert.equal(plainDiff.changes, prov.DiffResponse.DiffChanges.DIFF_NONE, 'a secret and a plain form of one value diff as a change');

            await provider.shutdown();
            assert.ok(!provider.stderr().includes(PASSWORD), 'the password reached stderr');
            assert.ok(!provider.engine.logs.some((l) => l.message.includes(PASSWORD)), 'the password reached the engine log');
        });
    } finally {
        await bmc.stop();
    }
});

test('errors: every failure has a status that says nothing changed, never Unknown or Internal, and the host is untouched', async () => {
    const host = await SimulatedHost.create('spr-qat-e810');
    try {
        await withProvider({}, async (provider) => {
            await provider.handshake();
            const checked = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(1));
            const unconfigured = await callError(provider.client, 'create', createRequest(DEVICE_SPLIT, 'qat', checked.inputs));
            assertCertain(unconfigured, grpc.status.FAILED_PRECONDITION);

            await provider.pluginInfo();
            await provider.configure({ hostRoot: host.root, hostName: 'node-a', version: provider.version });
            const stamp = writeStamp(host);

            const badAddress = { ...qatSplit(1), select: { pciAddress: '0000:zz:00.0' } };
            const check = await provider.check(DEVICE_SPLIT, 'qat', badAddress);
            assert.deepEqual(check.failures.map((f) => f.property), ['select.pciAddress']);
            assert.match(check.failures[0].reason, /^HDIOV\d{4}/);
            assertCertain(await callError(provider.client, 'create', createRequest(DEVICE_SPLIT, 'qat', badAddress)), grpc.status.INVALID_ARGUMENT);
            for (const preview of [true, false]) {
                const tooMany = await callError(provider.client, 'create', createRequest(DEVICE_SPLIT, 'qat', qatSplit(4000), preview));
                assertCertain(tooMany, grpc.status.FAILED_PRECONDITION);
            }
            assertCertain(await callError(provider.client, 'create', createRequest('hdiov:index:Nothing', 'x', {})), grpc.status.INVALID_ARGUMENT);
            assertCertain(await callError(provider.client, 'check', (() => {
                const r = new prov.CheckRequest();
                r.setUrn('urn:pulumi:dev::proj::hdiov:index:Nothing::x');
                r.setType('hdiov:index:Nothing');
                return r;
            })()), grpc.status.INVALID_ARGUMENT);
            assert.equal(writeStamp(host), stamp, 'a failed call wrote to the host');
            assert.deepEqual(host.mdevs(), []);
        });
    } finally {
        host.remove();
    }
});

test('shutdown: Cancel answers at once and SIGINT ends the process group within 5 s with exit code 0', async () => {
    const provider = await launch();
    await provider.handshake();
    const exit = await provider.shutdown();
    assert.ok(exit.cancelMs !== undefined && exit.cancelMs < 1000, `Cancel took ${exit.cancelMs} ms`);
    assert.equal(exit.killed, false, 'the engine would have had to SIGKILL the plugin');
    assert.equal(exit.code, 0, `exit: ${JSON.stringify(exit)}; stderr: ${provider.stderr()}`);

    const interrupted = await launch();
    await interrupted.handshake();
    const sigint = await interrupted.shutdown({ cancel: false });
    assert.equal(sigint.killed, false);
    assert.equal(sigint.code, 0, `exit after SIGINT alone: ${JSON.stringify(sigint)}`);
    assert.ok(sigint.elapsedMs < 5000);
});

function createRequest(type, name, properties, preview = false) {
    const { toStruct } = require('../lib/values');
    const request = new prov.CreateRequest();
    request.setUrn(`urn:pulumi:dev::proj::${type}::${name}`);
    request.setName(name);
    request.setType(type);
    request.setProperties(toStruct(properties));
    request.setPreview(preview);
    return request;
}
