using System.Collections.Immutable;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>
/// The out-of-tree QAT driver's per-PF configuration, <c>/etc/4xxx_dev&lt;N&gt;.conf</c>: services from
/// <c>[GENERAL] ServicesEnabled</c>, the ADI count from <c>[SIOV] NumberAdis</c> (0 means SR-IOV mode),
/// and the kernel instances that share the PF's ring-pair budget.
/// </summary>
public sealed record QatDeviceConfig(
    int Index,
    string Path,
    ImmutableArray<string> Services,
    int NumberAdis,
    int KernelCyInstances,
    int KernelDcInstances,
    string Text);
