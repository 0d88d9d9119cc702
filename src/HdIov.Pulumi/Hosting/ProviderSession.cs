using System.Reflection;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Pulumi.Configuration;
using HdIov.Pulumi.Resources;
using HdIov.Pulumi.Transport;
using Microsoft.Extensions.Hosting;

namespace HdIov.Pulumi.Hosting;

/// <summary>The provider's state in this process: its version, configuration, resource types, and the cancellation Cancel fires.</summary>
internal sealed class ProviderSession(EngineLog log, IHostApplicationLifetime lifetime) : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private HostContext? _host;

    public static string Version { get; } =
        typeof(ProviderSession).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "HdIov.VersionPrefix").Value!;

    public EngineLog Log { get; } = log;

    public CancellationToken Cancellation => _cancel.Token;

    public IReadOnlyDictionary<string, ResourceHandler> Resources { get; } = new ResourceHandler[]
    {
        new DeviceSplitResource(),
        new PlatformResource(log),
        new AttachmentResource(log),
    }.ToDictionary(r => r.Token, StringComparer.Ordinal);

    public HostContext Host => _host ?? throw ProviderErrors.FailedPrecondition("the provider is not configured yet (Configure was not called, or its configuration held unknown values)");

    /// <summary>
    /// Points the provider at its host: over SSH with <c>connection</c> (nothing connects until the first resource
    /// call, so an unreachable host fails each resource with its own error), else the host root on this machine.
    /// </summary>
    public void Configure(ProviderConfig config)
    {
        if (config.Connection is { } connection)
        {
            var name = config.HostName ?? throw ProviderErrors.InvalidArgument("a host reached over connection needs hostName");
            _host = new HostContext(new SshHostEngine(name, connection), name) { Bmc = config.Bmc };
            return;
        }

        HdIov.Engine.Host.IHost host;
        try
        {
            host = HostFactory.Open(config.HostRoot);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or HdIov.Engine.Diagnostics.HdIovException)
        {
            throw ProviderErrors.FailedPrecondition($"hostRoot '{config.HostRoot}' cannot be opened as a host: {error.Message}");
        }

        _host = new HostContext(new LocalHostEngine(host), config.HostName ?? HostNames.DefaultName(host)) { Bmc = config.Bmc };
    }

    public void Dispose() => _cancel.Dispose();

    /// <summary>Stops work in progress and, once the reply is sent, the process (the engine interrupts it next anyway).</summary>
    public void Cancel()
    {
        _cancel.Cancel();
        _ = Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }
}
