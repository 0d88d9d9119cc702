using HdIov.Engine.Session;

namespace HdIov.Pulumi.Transport;

/// <summary>
/// The engine on the provider's host: in this process for a host root on this machine (<see cref="LocalHostEngine"/>),
/// or in a pwsh on the host over SSH (<see cref="SshHostEngine"/>). Either way the observation, the plan, the host lock
/// and the apply happen where the host is, and the engine's exceptions reach the caller as a local session throws them.
/// </summary>
internal interface IHostEngine
{
    /// <summary>Names the host for the per-host gate: the same host gives the same key.</summary>
    string GateKey { get; }

    SessionReply Run(SessionRequest request, CancellationToken cancellationToken);
}
