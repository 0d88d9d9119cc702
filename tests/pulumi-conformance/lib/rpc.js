'use strict';
const { grpc } = require('./stubs');

const DEADLINE_MS = 60_000;

/** A unary call as a promise; the error keeps grpc-js's code, details and metadata. */
function call(client, method, request, timeoutMs = DEADLINE_MS) {
    return new Promise((resolve, reject) => {
        client[method](request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
            error ? reject(error) : resolve(response));
    });
}

/** The gRPC error a call ends with; fails when the call succeeds. */
async function callError(client, method, request) {
    try {
        await call(client, method, request);
    } catch (error) {
        if (typeof error.code !== 'number') throw error;
        return error;
    }
    throw new Error(`${method} succeeded where an error was expected`);
}

const codeName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);

/** A gRPC server on an ephemeral IPv4 loopback port. */
function listen(service, implementation) {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 400 << 20, 'grpc.max_send_message_length': 400 << 20 });
    server.addService(service, implementation);
    return new Promise((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
            error ? reject(error) : resolve({ server, address: `127.0.0.1:${port}`, close: () => server.forceShutdown() })));
}

module.exports = { call, callError, codeName, listen };
