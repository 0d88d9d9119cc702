'use strict';
// The engine's call sequences for a DeviceSplit against a simulated spr-qat-e810 host, each followed by a look at
// the host's own files: /sys/bus/mdev/devices, the ownership ledger, sriov_numvfs.
const test = require('node:test');
const assert = require('node:assert/strict');
const { prov } = require('../lib/stubs');
const { launch } = require('../lib/provider');
const { SimulatedHost } = require('../lib/simhost');
const { UNKNOWN, containsUnknown } = require('../lib/values');
const { DEVICE_SPLIT, QAT0, QAT1, QAT_VF_PF, E810, UNOWNED_UUID, unownedWrite, qatSplit, writeStamp } = require('../lib/fixtures');

const { DIFF_NONE, DIFF_SOME } = prov.DiffResponse.DiffChanges;
const Kind = prov.PropertyDiff.Kind;
const NUMBER_UNKNOWN = '3eeb2bf0-c639-47a8-9e75-3b44932eb421';

/** Runs body with a fresh simulated host and removes the host and every provider it started afterwards. */
async function withHost(body, options = { writes: [unownedWrite] }) {
    const host = await SimulatedHost.create('spr-qat-e810', options);
    const providers = [];
    const start = async (config = {}) => {
        const provider = await launch();
        providers.push(provider);
        await provider.start({ hostRoot: host.root, hostName: 'node-a', ...config });
        return provider;
    };
    try {
        await body(host, start);
        for (const provider of providers) {
            assert.equal(provider.extraStdout(), '', 'the provider wrote to stdout after its port line');
        }
    } finally {
        for (const provider of providers) await provider.shutdown().catch(() => {});
        host.remove();
    }
}

/** `pulumi up` of a new resource: Check, then Create. */
async function up(provider, name, news) {
    const checked = await provider.check(DEVICE_SPLIT, name, news);
    assert.deepEqual(checked.failures, []);
    const created = await provider.create(DEVICE_SPLIT, name, checked.inputs);
    return { id: created.id, outputs: created.outputs, inputs: checked.inputs };
}

const uuidsOf = (outputs) => outputs.virtualDevices.map((v) => v.uuid).sort();
const unownedStays = (host) => {
    assert.ok(host.mdevs().some((m) => m.uuid === UNOWNED_UUID && m.parent === E810), 'the mdev the engine did not make is gone');
    assert.ok(!host.ledger().entries.some((e) => e.uuid === UNOWNED_UUID), 'the unowned mdev was written into the ledger');
};

test('preview: handshake, schema, config, then Check/Create(preview) of a new split and Check/Diff/Update(preview) of an existing one change nothing', async () => {
    await withHost(async (host, start) => {
        const existing = await up(await start(), 'qat', qatSplit(2));
        const mdevsBefore = host.mdevs();
        const ledgerBefore = host.ledger();
        const stamp = writeStamp(host);

        // A preview is a deployment of its own: a new provider process.
        const provider = await launch();
        try {
            const handshake = await provider.handshake();
            assert.equal(handshake.getAcceptSecrets(), true);
            assert.equal(handshake.getAcceptResources(), true);
            await provider.pluginInfo();
            const schemaRequest = new prov.GetSchemaRequest();
            const schema = JSON.parse((await provider.call('getSchema', schemaRequest)).getSchema());
            assert.ok(schema.resources[DEVICE_SPLIT], 'the schema has no DeviceSplit');
            const checkedConfig = await provider.checkConfig({ hostRoot: host.root, hostName: 'node-a', version: provider.version });
            assert.deepEqual(checkedConfig.failures, []);
            const configured = await provider.configure(checkedConfig.inputs);
            assert.equal(configured.getSupportspreview(), true);
            assert.equal(configured.getAcceptsecrets(), handshake.getAcceptSecrets());
            assert.equal(configured.getAcceptresources(), handshake.getAcceptResources());

            // A new resource: Check, Create(preview). The UUIDs are known ahead, the IOMMU groups are not.
            const nic = { name: 'nic', select: { pciAddress: E810 }, mode: 'siov', vdevs: { 'ice-vdcm': 2 } };
            const checkedNic = await provider.check(DEVICE_SPLIT, 'nic', nic);
            assert.deepEqual(checkedNic.failures, []);
            const previewed = await provider.create(DEVICE_SPLIT, 'nic', checkedNic.inputs, { preview: true });
            assert.equal(previewed.id, '');
            assert.equal(previewed.outputs.virtualDevices.length, 2);
            for (const vdev of previewed.outputs.virtualDevices) {
                assert.match(vdev.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
                assert.ok(containsUnknown(vdev.iommuGroup), `iommuGroup should be unknown in a preview, got ${vdev.iommuGroup}`);
            }

            // Inputs still unknown (an output of another resource) give unknown computed outputs.
            const unknownCount = await provider.check(DEVICE_SPLIT, 'nic', { ...nic, vdevs: { 'ice-vdcm': NUMBER_UNKNOWN } });
            assert.deepEqual(unknownCount.failures, []);
            const unknownPreview = await provider.create(DEVICE_SPLIT, 'nic', unknownCount.inputs, { preview: true });
            assert.ok(containsUnknown(unknownPreview.outputs.virtualDevices), 'virtualDevices should be unknown when vdevs is');

            // The existing resource: Check(olds = old inputs), Diff, Update(preview).
            const grown = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(3), existing.inputs);
            const diff = await provider.diff(DEVICE_SPLIT, 'qat', { id: existing.id, olds: existing.outputs, news: grown.inputs, oldInputs: existing.inputs });
            assert.equal(diff.changes, DIFF_SOME);
            const update = await provider.update(DEVICE_SPLIT, 'qat', { id: existing.id, olds: existing.outputs, news: grown.inputs, oldInputs: existing.inputs, preview: true });
            assert.equal(update.outputs.virtualDevices.length, 3);
            assert.deepEqual(update.outputs.virtualDevices.slice(0, 2).map((v) => v.uuid).sort(), uuidsOf(existing.outputs).slice(0, 2).sort());

            assert.deepEqual(host.mdevs(), mdevsBefore, 'a preview changed the mdevs');
            assert.deepEqual(host.ledger(), ledgerBefore, 'a preview changed the ledger');
            assert.equal(writeStamp(host), stamp, 'a preview wrote to the host');
            assert.equal(provider.extraStdout(), '');
        } finally {
            await provider.shutdown();
        }
    });
});

test('up: create, update of a VDEV count, replace on a select change deletes before it creates', async () => {
    await withHost(async (host, start) => {
        const provider = await start();

        const created = await up(provider, 'qat', qatSplit(2));
        assert.equal(created.id, 'qat');
        assert.ok(!containsUnknown(created.outputs), 'a real Create returned unknowns');
        const onQat0 = host.mdevs().filter((m) => m.parent === QAT0);
        assert.equal(onQat0.length, 2);
        assert.deepEqual(uuidsOf(created.outputs), onQat0.map((m) => m.uuid).sort());
        assert.deepEqual(host.ownedMdevs('qat/0/asym/').map((e) => e.uuid).sort(), onQat0.map((m) => m.uuid).sort());

        // Update: Check(olds = old inputs), Diff, Update(preview), Update.
        const grown = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(3), created.inputs);
        const diff = await provider.diff(DEVICE_SPLIT, 'qat', { id: created.id, olds: created.outputs, news: grown.inputs, oldInputs: created.inputs });
        assert.equal(diff.changes, DIFF_SOME);
        assert.deepEqual(diff.diffs, ['vdevs']);
        assert.deepEqual(diff.replaces, []);
        assert.equal(diff.hasDetailedDiff, true);
        assert.equal(diff.detailed.vdevs?.kind, Kind.UPDATE);
        await provider.update(DEVICE_SPLIT, 'qat', { id: created.id, olds: created.outputs, news: grown.inputs, oldInputs: created.inputs, preview: true });
        assert.equal(host.mdevs().filter((m) => m.parent === QAT0).length, 2, 'Update(preview) changed the host');
        const updated = await provider.update(DEVICE_SPLIT, 'qat', { id: created.id, olds: created.outputs, news: grown.inputs, oldInputs: created.inputs });
        const afterUpdate = host.mdevs().filter((m) => m.parent === QAT0);
        assert.equal(afterUpdate.length, 3);
        for (const uuid of uuidsOf(created.outputs)) assert.ok(afterUpdate.some((m) => m.uuid === uuid), `VDEV ${uuid} was re-created by a count change`);
        assert.equal(host.ownedMdevs('qat/').length, 3);

        // Replace: select is replaceOnChanges; the provider asks for delete-before-replace, so the engine runs
        // Check(olds = {}), Delete(old), Create(new).
        const moved = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(3, QAT1), grown.inputs);
        const replaceDiff = await provider.diff(DEVICE_SPLIT, 'qat', { id: created.id, olds: updated.outputs, news: moved.inputs, oldInputs: grown.inputs });
        assert.equal(replaceDiff.changes, DIFF_SOME);
        assert.ok(replaceDiff.replaces.includes('select'), `replaces: ${replaceDiff.replaces}`);
        assert.equal(replaceDiff.detailed.select?.kind, Kind.UPDATE_REPLACE);
        assert.equal(replaceDiff.deleteBeforeReplace, true);
        const fresh = await provider.check(DEVICE_SPLIT, 'qat', qatSplit(3, QAT1), {});
        await provider.delete(DEVICE_SPLIT, 'qat', { id: created.id, properties: updated.outputs, oldInputs: grown.inputs });
        assert.equal(host.mdevs().filter((m) => m.parent === QAT0).length, 0, 'Delete left VDEVs on the old PF');
        assert.equal(host.ownedMdevs('qat/').length, 0, 'Delete left ledger entries');
        const replaced = await provider.create(DEVICE_SPLIT, 'qat', fresh.inputs);
        assert.equal(replaced.id, 'qat');
        const onQat1 = host.mdevs().filter((m) => m.parent === QAT1);
        assert.equal(onQat1.length, 3);
        assert.deepEqual(uuidsOf(replaced.outputs), onQat1.map((m) => m.uuid).sort());
        assert.ok(host.ownedMdevs('qat/').every((e) => e.parent === QAT1));
        unownedStays(host);
    });
});

test('refresh: Read after a VDEV was removed behind the provider\'s back reports it, and the inverted Diff shows the drift', async () => {
    await withHost(async (host, start) => {
        const state = await up(await start(), 'qat', qatSplit(2));
        const [victim, survivor] = host.mdevs().filter((m) => m.parent === QAT0);
        await host.write([`/sys/bus/mdev/devices/${victim.uuid}/remove`, '1']);
        assert.equal(host.mdevs().filter((m) => m.parent === QAT0).length, 1);

        // Refresh configures the provider from state: Handshake, GetPluginInfo, Configure(old inputs), no CheckConfig.
        const provider = await launch();
        try {
            await provider.handshake();
            await provider.pluginInfo();
            await provider.configure({ hostRoot: host.root, hostName: 'node-a', version: provider.version });
            const stamp = writeStamp(host);
            const read = await provider.read(DEVICE_SPLIT, 'qat', { id: state.id, properties: state.outputs, inputs: state.inputs });
            assert.equal(read.id, 'qat');
            assert.equal(read.inputs.vdevs.asym, 1, `Read's inputs should show one asym VDEV left, got ${JSON.stringify(read.inputs.vdevs)}`);
            const diff = await provider.diff(DEVICE_SPLIT, 'qat', { id: read.id, olds: read.outputs, news: state.inputs, oldInputs: read.inputs });
            assert.equal(diff.changes, DIFF_SOME);
            assert.ok(diff.diffs.includes('vdevs'));
            assert.equal(writeStamp(host), stamp, 'Read wrote to the host');

            // The next up converges again: Diff against the state (unchanged inputs) still reports the drift.
            const upDiff = await provider.diff(DEVICE_SPLIT, 'qat', { id: read.id, olds: state.outputs, news: state.inputs, oldInputs: state.inputs });
            assert.equal(upDiff.changes, DIFF_SOME);
            await provider.update(DEVICE_SPLIT, 'qat', { id: read.id, olds: read.outputs, news: state.inputs, oldInputs: read.inputs });
            assert.deepEqual(host.mdevs().filter((m) => m.parent === QAT0).map((m) => m.uuid).sort(), [victim.uuid, survivor.uuid].sort());

            // The refreshed outputs are what the host has: the removed VDEV is not listed as if it were there.
            assert.deepEqual(read.outputs.virtualDevices.map((v) => v.uuid), [survivor.uuid],
                `Read listed VDEVs the host no longer has: ${JSON.stringify(read.outputs.virtualDevices)}`);
        } finally {
            await provider.shutdown();
        }
    });
});

test('destroy: Delete removes the owned VDEVs and VFs, keeps the mdev the engine did not make, and a second Delete succeeds', async () => {
    await withHost(async (host, start) => {
        const first = await start();
        const qat = await up(first, 'qat', qatSplit(2));
        const vf = await up(first, 'vf', { name: 'vf', select: { pciAddress: QAT_VF_PF }, mode: 'sriov', vfs: { count: 4 } });
        assert.equal(host.numVfs(QAT_VF_PF), 4);
        assert.equal(vf.outputs.virtualFunctions.length, 4);

        // Destroy configures from state and deletes in reverse order; no CheckConfig, no program.
        const provider = await launch();
        try {
            await provider.handshake();
            await provider.pluginInfo();
            await provider.configure({ hostRoot: host.root, hostName: 'node-a', version: provider.version });
            await provider.delete(DEVICE_SPLIT, 'vf', { id: vf.id, properties: vf.outputs, oldInputs: vf.inputs });
            assert.equal(host.numVfs(QAT_VF_PF), 0);
            assert.ok(!host.ledger().entries.some((e) => e.kind === 'VirtualFunctions' && e.parent === QAT_VF_PF), 'the VF entry stayed in the ledger');
            await provider.delete(DEVICE_SPLIT, 'qat', { id: qat.id, properties: qat.outputs, oldInputs: qat.inputs });
            assert.deepEqual(host.mdevs().filter((m) => m.parent === QAT0), []);
            assert.deepEqual(host.ownedMdevs(), []);
            unownedStays(host);

            const gone = await provider.read(DEVICE_SPLIT, 'qat', { id: qat.id, properties: qat.outputs, inputs: qat.inputs });
            assert.equal(gone.id, '');
            await provider.delete(DEVICE_SPLIT, 'qat', { id: qat.id, properties: qat.outputs, oldInputs: qat.inputs });
            unownedStays(host);
        } finally {
            await provider.shutdown();
        }
    });
});

test('import: Read with only the id returns inputs whose Check is clean and whose Diff is empty', async () => {
    await withHost(async (host, start) => {
        await up(await start(), 'qat', qatSplit(2));
        const provider = await start();
        const stamp = writeStamp(host);

        const read = await provider.read(DEVICE_SPLIT, 'imported', { id: 'qat' });
        assert.equal(read.id, 'qat');
        assert.ok(read.outputs, 'import returned no properties');
        assert.ok(read.inputs, 'import returned no inputs');
        assert.equal(read.inputs.vdevs.asym, 2);
        assert.equal(read.inputs.select.pciAddress, QAT0);
        assert.ok(!containsUnknown(read.outputs));
        const checked = await provider.check(DEVICE_SPLIT, 'imported', read.inputs, read.inputs);
        assert.deepEqual(checked.failures, []);
        const diff = await provider.diff(DEVICE_SPLIT, 'imported', { id: read.id, olds: read.outputs, news: checked.inputs, oldInputs: read.inputs });
        assert.equal(diff.changes, DIFF_NONE, `import diff: ${JSON.stringify(diff)}`);
        assert.equal(writeStamp(host), stamp, 'import wrote to the host');

        const missing = await provider.read(DEVICE_SPLIT, 'nothing', { id: 'nothing' });
        assert.equal(missing.id, '');
    });
});

module.exports = { withHost, up };
