using HdIov.Engine.Host;
using HdIov.Engine.Session;

namespace HdIov.Pulumi.Transport;

/// <summary>The engine in this process, on a host root of this machine (<c>/</c> or a simulated host's folder).</summary>
internal sealed class LocalHostEngine(IHost host) : IHostEngine
{
    public IHost Host { get; } = host;

    public string GateKey => Host.Root;

    public SessionReply Run(SessionRequest request, CancellationToken cancellationToken) => SessionWire.Run(Host, request, cancellationToken);
}
