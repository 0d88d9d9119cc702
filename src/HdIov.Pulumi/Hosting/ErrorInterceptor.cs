using Grpc.Core;
using Grpc.Core.Interceptors;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Pulumi.Transport;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Hosting;

/// <summary>
/// No exception leaves a handler as gRPC Unknown: bad input becomes InvalidArgument, a host that cannot reach the
/// declared state FailedPrecondition, a busy host Aborted, cancellation Cancelled. Only an error the provider did not
/// foresee becomes Internal, which tells the engine the outcome is not known.
/// </summary>
internal sealed class ErrorInterceptor(EngineLog log) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception error)
        {
            var mapped = Map(error);
            await log.DebugAsync($"{context.Method} failed with {mapped.StatusCode}: {mapped.Status.Detail}").ConfigureAwait(false);
            throw mapped;
        }
    }

    public static RpcException Map(Exception error) => error switch
    {
        RpcException rpc => rpc,
        InputRejectedException input => Status(StatusCode.InvalidArgument, input.Message),
        PropertyFormatException format => Status(StatusCode.InvalidArgument, format.Message),
        PlanRejectedException rejected when rejected.Diagnostics.All(IsInputProblem) => Status(StatusCode.InvalidArgument, rejected.Message),
        PlanRejectedException rejected => Status(StatusCode.FailedPrecondition, rejected.Message),
        StalePlanException stale => Status(StatusCode.Aborted, stale.Message + " (another apply changed the host; run again)"),
        HostLockTimeoutException locked => Status(StatusCode.Aborted, locked.Message),
        HostIoException io => Status(StatusCode.FailedPrecondition, io.Message),
        HostUnreachableException unreachable => Status(StatusCode.FailedPrecondition, unreachable.Message),
        OperationCanceledException => Status(StatusCode.Cancelled, "the operation was cancelled"),
        HdIovException engine => Status(StatusCode.FailedPrecondition, engine.Message),
        _ => Status(StatusCode.Internal, $"unexpected provider error ({error.GetType().Name}): {error.Message}"),
    };

    private static bool IsInputProblem(Diagnostic diagnostic) => diagnostic.Code.StartsWith("HDIOV1", StringComparison.Ordinal);

    private static RpcException Status(StatusCode code, string message) => new(new Status(code, message));
}
