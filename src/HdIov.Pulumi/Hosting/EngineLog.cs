using Grpc.Net.Client;
using HdIov.Pulumi.Rpc;

namespace HdIov.Pulumi.Hosting;

/// <summary>
/// Messages for the user: through the engine's Log service when the engine's address is known, and always to stderr
/// (which the engine keeps for debugging). Callers pass only text the provider wrote itself, never property values,
/// so secrets cannot reach a log.
/// </summary>
internal sealed class EngineLog(string? engineAddress, TextWriter stderr) : IDisposable
{
    private readonly Lock _gate = new();
    private GrpcChannel? _channel;
    private Rpc.Engine.EngineClient? _client;
    private string? _address = engineAddress;

    public void Attach(string address)
    {
        lock (_gate)
        {
            _address = address;
            _channel?.Dispose();
            _channel = null;
            _client = null;
        }
    }

    public Task InfoAsync(string message, string? urn = null) => WriteAsync(LogSeverity.Info, message, urn);

    public Task WarningAsync(string message, string? urn = null) => WriteAsync(LogSeverity.Warning, message, urn);

    public Task DebugAsync(string message, string? urn = null) => WriteAsync(LogSeverity.Debug, message, urn);

    public async Task WriteAsync(LogSeverity severity, string message, string? urn)
    {
        lock (_gate)
        {
            stderr.WriteLine($"{severity.ToString().ToLowerInvariant()}: {message}");
        }

        if (Client() is not { } client)
        {
            return;
        }

        try
        {
            await client.LogAsync(new LogRequest { Severity = severity, Message = message, Urn = urn ?? string.Empty }).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException error)
        {
            lock (_gate)
            {
                stderr.WriteLine($"the engine did not take a log message: {error.Status.Detail}");
            }
        }
    }

    private Rpc.Engine.EngineClient? Client()
    {
        lock (_gate)
        {
            if (_client is null && !string.IsNullOrEmpty(_address))
            {
                _channel = GrpcChannel.ForAddress("http://" + _address, new GrpcChannelOptions
                {
                    MaxReceiveMessageSize = ProviderHost.MaxMessageSize,
                    MaxSendMessageSize = ProviderHost.MaxMessageSize,
                });
                _client = new Rpc.Engine.EngineClient(_channel);
            }

            return _client;
        }
    }

    public void Dispose() => _channel?.Dispose();
}
