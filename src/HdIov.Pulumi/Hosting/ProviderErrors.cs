using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HdIov.Engine.Diagnostics;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Hosting;

/// <summary>
/// gRPC errors the engine understands. The engine treats Unknown, Internal and DataLoss as "the outcome is not
/// known"; every failure here uses another code unless that is really so.
/// </summary>
internal static class ProviderErrors
{
    public const string StatusDetailsTrailer = "grpc-status-details-bin";

    public static RpcException InvalidArgument(string message) => new(new Grpc.Core.Status(StatusCode.InvalidArgument, message));

    public static RpcException FailedPrecondition(string message) => new(new Grpc.Core.Status(StatusCode.FailedPrecondition, message));

    /// <summary>The diagnostics as one message: code, property path, what is wrong and the fix, one per line.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics, Func<string?, string?>? path = null) =>
        string.Join(Environment.NewLine, diagnostics.Select(d =>
        {
            var where = (path ?? (p => p))(d.KeyPath) is { } key ? $" at {key}" : string.Empty;
            var location = d.Location is null ? string.Empty : $" ({d.Location})";
            return $"{d.Code}{where}{location}: {d.Message}. Fix: {d.Hint}";
        }));

    /// <summary>
    /// A create or update that changed the host but did not finish: the engine keeps the id and the state in the
    /// detail, so the next run continues from there instead of losing what was made.
    /// </summary>
    public static RpcException InitFailed(StatusCode code, string message, string id, PropertyMap outputs, PropertyMap inputs, IEnumerable<string> reasons)
    {
        var detail = new ErrorResourceInitFailed
        {
            Id = id,
            Properties = StructCodec.Encode(outputs),
            Inputs = StructCodec.Encode(inputs),
        };
        detail.Reasons.AddRange(reasons);
        var status = new Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(detail));
        var trailers = new Metadata { { StatusDetailsTrailer, status.ToByteArray() } };
        return new RpcException(new Grpc.Core.Status(code, message), trailers);
    }
}
