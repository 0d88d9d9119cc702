using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;

namespace HdIov.Pulumi.Resources;

/// <summary>A plan, what applying it did (null in preview), and the host state to report outputs from.</summary>
internal sealed record Converged(Plan Plan, ApplyResult? Result, HostState State);
