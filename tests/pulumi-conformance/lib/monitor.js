'use strict';
// A fake ResourceMonitor on Pulumi's stubs: records every registration and answers with URNs built by the engine's
// rules (qualified type = parent's qualified type + '$' + type, except under the stack).
const { grpc, res, resGrpc, Struct, Empty } = require('./stubs');
const { listen } = require('./rpc');
const { fromStruct, toStruct, UNKNOWN } = require('./values');
const { PROJECT, STACK } = require('./provider');

const FEATURES = new Set(['secrets', 'resourceReferences', 'outputValues', 'aliasSpecs', 'deletedWith', 'replaceWith', 'replacementTrigger']);

function qualifiedTypeOf(urn) {
    return urn ? urn.split('::')[2] : '';
}

async function startMonitor({ dryRun = false } = {}) {
    const registrations = [];
    const outputs = [];
    const features = [];
    const monitor = await listen(resGrpc.ResourceMonitorService, {
        supportsFeature: (c, cb) => {
            features.push(c.request.getId());
            const r = new res.SupportsFeatureResponse();
            r.setHassupport(FEATURES.has(c.request.getId()));
            cb(null, r);
        },
        registerResource: (c, cb) => {
            const q = c.request;
            const parent = q.getParent();
            const parentType = qualifiedTypeOf(parent);
            const qualified = !parentType || parentType === 'pulumi:pulumi:Stack' ? q.getType() : `${parentType}$${q.getType()}`;
            const urn = `urn:pulumi:${STACK}::${PROJECT}::${qualified}::${q.getName()}`;
            const inputs = fromStruct(q.getObject()) ?? {};
            registrations.push({
                urn, type: q.getType(), name: q.getName(), parent, custom: q.getCustom(), remote: q.getRemote(), inputs,
                provider: q.getProvider(), providers: Object.fromEntries(q.getProvidersMap().toArray()), version: q.getVersion(),
                acceptSecrets: q.getAcceptsecrets(), dependencies: q.getDependenciesList(),
            });
            const r = new res.RegisterResourceResponse();
            r.setUrn(urn);
            if (q.getCustom()) {
                // The engine's answer for a child: in a preview no id and unknown computed outputs.
                r.setId(dryRun ? '' : `${q.getName()}-id`);
                r.setObject(toStruct(dryRun ? { ...inputs, virtualDevices: UNKNOWN } : inputs));
            } else {
                r.setObject(new Struct());
            }
            cb(null, r);
        },
        registerResourceOutputs: (c, cb) => {
            outputs.push({ urn: c.request.getUrn(), outputs: fromStruct(c.request.getOutputs()) ?? {} });
            cb(null, new Empty());
        },
        signalAndWaitForShutdown: (c, cb) => {
            registrations.push({ signalled: true });
            cb({ code: grpc.status.FAILED_PRECONDITION, details: 'a component provider must not signal shutdown' });
        },
    });
    return { ...monitor, registrations, outputs, features };
}

module.exports = { startMonitor };
