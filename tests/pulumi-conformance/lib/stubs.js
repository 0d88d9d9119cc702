'use strict';
// Pulumi's own generated gRPC stubs, and the grpc-js and google-protobuf copies @pulumi/pulumi depends on
// (resolved from its folder, so the harness speaks exactly the wire code that release ships).
const { createRequire } = require('node:module');

const pulumiRequire = createRequire(require.resolve('@pulumi/pulumi/package.json'));

const grpc = pulumiRequire('@grpc/grpc-js');
const prov = require('@pulumi/pulumi/proto/provider_pb.js');
const provGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb.js');
const plugin = require('@pulumi/pulumi/proto/plugin_pb.js');
const res = require('@pulumi/pulumi/proto/resource_pb.js');
const resGrpc = require('@pulumi/pulumi/proto/resource_grpc_pb.js');
const engine = require('@pulumi/pulumi/proto/engine_pb.js');
const engGrpc = require('@pulumi/pulumi/proto/engine_grpc_pb.js');
const status = require('@pulumi/pulumi/proto/status_pb.js');
const errors = require('@pulumi/pulumi/proto/errors_pb.js');
const { Struct, Value } = pulumiRequire('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = pulumiRequire('google-protobuf/google/protobuf/empty_pb.js');

const pulumiVersion = require('@pulumi/pulumi/package.json').version;

module.exports = { grpc, prov, provGrpc, plugin, res, resGrpc, engine, engGrpc, status, errors, Struct, Value, Empty, pulumiVersion };
