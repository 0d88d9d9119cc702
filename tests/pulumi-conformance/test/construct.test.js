'use strict';
// Construct of the Host component against a fake ResourceMonitor: the component is registered first, then one child
// per part of the HostState document, parented to it, with the document's values as inputs.
const test = require('node:test');
const assert = require('node:assert/strict');
const { prov } = require('../lib/stubs');
const { launch, stackUrn, urnOf, PROJECT, STACK } = require('../lib/provider');
const { startMonitor } = require('../lib/monitor');
const { SimulatedHost } = require('../lib/simhost');
const { toStruct, fromStruct, reveal } = require('../lib/values');
const { DEVICE_SPLIT, PLATFORM, ATTACHMENT, HOST, QAT0, E810, writeStamp } = require('../lib/fixtures');

const SPEC = `apiVersion: hdiov.dev/v1alpha1
kind: HostState
metadata:
  name: node-a
spec:
  platform:
    kernelArgs: [ "hugepagesz=2M" ]
  devices:
    - name: qat
      select: { pciAddress: "${QAT0}" }
      mode: siov
      services: [ asym ]
      vdevs: { asym: 2 }
    - name: nic
      select: { pciAddress: "${E810}" }
      mode: siov
      vdevs: { ice-vdcm: 1 }
  attachments:
    - vdevs: [ qat/0/asym/0 ]
      container: { cdi: true }
`;

async function construct(dryRun) {
    const host = await SimulatedHost.create('spr-qat-e810');
    const monitor = await startMonitor({ dryRun });
    const provider = await launch();
    try {
        await provider.start({ hostRoot: host.root, hostName: 'node-a' });
        const stamp = writeStamp(host);
        const providerRef = `${provider.providerUrn()}::04b6c0a5-5f0e-4d8a-9c39-2f7a4e0d1c11`;
        const request = new prov.ConstructRequest();
        request.setProject(PROJECT);
        request.setStack(STACK);
        request.setDryrun(dryRun);
        request.setParallel(4);
        request.setMonitorendpoint(monitor.address);
        request.setType(HOST);
        request.setName('edge');
        request.setParent(stackUrn);
        request.setInputs(toStruct({ spec: SPEC }));
        request.getProvidersMap().set('hdiov', providerRef);
        request.setAcceptsOutputValues(true);
        const response = await provider.call('construct', request);
        return {
            host, monitor, provider, providerRef, stamp,
            urn: response.getUrn(), state: fromStruct(response.getState()) ?? {},
        };
    } catch (error) {
        host.remove();
        monitor.close();
        await provider.shutdown().catch(() => {});
        throw error;
    }
}

async function finish(run) {
    run.monitor.close();
    await run.provider.shutdown().catch(() => {});
    run.host.remove();
}

function assertRegistrations(run) {
    const [component, ...children] = run.monitor.registrations;
    assert.ok(component, 'Construct registered nothing');
    assert.deepEqual(
        { type: component.type, name: component.name, parent: component.parent, custom: component.custom },
        { type: HOST, name: 'edge', parent: stackUrn, custom: false },
        'the first registration is not the component');
    assert.equal(component.urn, urnOf(HOST, 'edge'));
    assert.equal(run.urn, component.urn, 'Construct returned another URN than it registered');
    assert.ok(!run.monitor.registrations.some((r) => r.signalled), 'a component provider called SignalAndWaitForShutdown');

    for (const child of children) {
        assert.equal(child.parent, component.urn, `${child.type} ${child.name} is not parented to the component`);
        assert.equal(child.custom, true, `${child.type} ${child.name} is not a custom resource`);
        assert.equal(child.urn, `urn:pulumi:${STACK}::${PROJECT}::${HOST}$${child.type}::${child.name}`);
        assert.equal(child.providers.hdiov, run.providerRef, `${child.name} lacks the providers map`);
        assert.equal(child.provider, run.providerRef, `${child.name} lacks its provider reference`);
        assert.equal(child.version, run.provider.version, `${child.name} lacks the package version`);
    }
    assert.equal(new Set(children.map((c) => c.urn)).size, children.length, 'two children share a URN');

    const byType = (type) => children.filter((c) => c.type === type).map((c) => reveal(c.inputs));
    assert.deepEqual(byType(PLATFORM).map((i) => i.kernelArgs), [['hugepagesz=2M']]);
    const splits = byType(DEVICE_SPLIT).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(splits.map((s) => [s.name, s.mode]), [['nic', 'siov'], ['qat', 'siov']]);
    assert.equal([].concat(splits[1].select.pciAddress)[0], QAT0);
    assert.deepEqual(splits[1].vdevs, { asym: 2 });
    assert.deepEqual(splits[1].services, ['asym']);
    assert.deepEqual(splits[0].vdevs, { 'ice-vdcm': 1 });
    const attachments = byType(ATTACHMENT);
    assert.deepEqual(attachments.map((a) => a.vdevs), [['qat/0/asym/0']]);
    assert.equal(attachments[0].container?.cdi, true);

    const registered = run.monitor.outputs.filter((o) => o.urn === component.urn);
    assert.equal(registered.length, 1, 'RegisterResourceOutputs was not called once for the component');
    assert.equal(reveal(registered[0].outputs).hostName, 'node-a');
    assert.equal(reveal(run.state).hostName, 'node-a');
    // Construct registers; the engine creates the children through their own Create. The host is untouched.
    assert.equal(writeStamp(run.host), run.stamp, 'Construct wrote to the host');
    assert.deepEqual(run.host.mdevs(), []);
}

test('construct: Host registers itself, then Platform, DeviceSplit and Attachment children parented to it with the document\'s inputs', async () => {
    const run = await construct(false);
    try {
        assertRegistrations(run);
    } finally {
        await finish(run);
    }
});

test('construct (dryRun): unknown child outputs in a preview still give the component and its children', async () => {
    const run = await construct(true);
    try {
        assertRegistrations(run);
    } finally {
        await finish(run);
    }
});
