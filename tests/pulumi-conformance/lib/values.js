'use strict';
// Property values as the engine puts them into a google.protobuf.Struct: plain JSON plus the unknown sentinels and
// the signature-tagged objects (secrets).
const { Struct } = require('./stubs');

const SIG = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const UNKNOWN_SENTINELS = new Set([
    UNKNOWN,
    '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7',
    '3eeb2bf0-c639-47a8-9e75-3b44932eb421',
    '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2',
    'dd056dcd-154b-4c76-9bd3-c8f88648b5ff',
    '030794c1-ac77-496b-92df-f27374a8bd58',
    'e48ece36-62e2-4504-bad9-02848725956a',
]);

function stripUndefined(value) {
    if (Array.isArray(value)) return value.map(stripUndefined);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)]));
    }
    return value;
}

const toStruct = (obj) => Struct.fromJavaScript(stripUndefined(obj ?? {}));
const fromStruct = (struct) => (struct ? struct.toJavaScript() : undefined);

const secret = (value) => ({ [SIG]: SECRET_SIG, value });
const isSecret = (value) => !!value && typeof value === 'object' && value[SIG] === SECRET_SIG;

function containsUnknown(value) {
    if (typeof value === 'string') return UNKNOWN_SENTINELS.has(value);
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === 'object') return Object.values(value).some(containsUnknown);
    return false;
}

/** The value with every secret envelope opened, for comparisons. */
function reveal(value) {
    if (isSecret(value)) return reveal(value.value);
    if (Array.isArray(value)) return value.map(reveal);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    return value;
}

module.exports = { SIG, SECRET_SIG, UNKNOWN, toStruct, fromStruct, secret, isSecret, containsUnknown, reveal };
