using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>
/// What <c>Get-HdIovHost</c> shows: the platform, the VT-d units, the devices that can be split, the mdev types
/// with their free instances, the live VDEVs and the readiness findings. Every property is a scalar or a flat
/// array of flat rows (arrays, so PowerShell can index them), so the object reads well as a list and converts
/// to JSON at the default depth.
/// </summary>
public sealed class HostInventory
{
    public required string HostRoot { get; init; }

    public required bool Simulated { get; init; }

    public required string Kernel { get; init; }

    public required string Platform { get; init; }

    public required string Cpu { get; init; }

    public required int Sockets { get; init; }

    public required int NumaNodes { get; init; }

    /// <summary>Whether the CPU offers ENQCMD, which shared work queues (DSA, IAA) need.</summary>
    public required bool Enqcmd { get; init; }

    public required string CommandLine { get; init; }

    public required IReadOnlyList<IommuUnitInfo> IommuUnits { get; init; }

    /// <summary>Physical functions that can be split: an SR-IOV capability, the SIOV DVSEC, or an mdev parent.</summary>
    public required IReadOnlyList<DeviceInfo> Devices { get; init; }

    public required IReadOnlyList<MdevTypeInfo> MdevTypes { get; init; }

    public required IReadOnlyList<VdevInfo> Vdevs { get; init; }

    public required IReadOnlyList<FindingInfo> Findings { get; init; }

    /// <summary>True when no finding blocks HD-IOV on this host.</summary>
    public required bool Ready { get; init; }

    public static HostInventory From(HostState state, string hostRoot, bool simulated)
    {
        var parents = state.MdevParents.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var findings = state.Findings
            .OrderByDescending(f => f.Level)
            .ThenBy(f => f.Code, StringComparer.Ordinal)
            .Select(FindingInfo.From)
            .ToArray();

        return new HostInventory
        {
            HostRoot = hostRoot,
            Simulated = simulated,
            Kernel = state.Kernel.Release,
            Platform = state.Cpu.Platform,
            Cpu = state.Cpu.ModelName,
            Sockets = state.Cpu.Sockets,
            NumaNodes = state.Cpu.NumaNodes,
            Enqcmd = state.Cpu.Enqcmd,
            CommandLine = state.CommandLine.Raw,
            IommuUnits = state.IommuUnits.Select(IommuUnitInfo.From).ToArray(),
            Devices = state.Functions
                .Where(f => !f.IsVirtualFunction
                    && (f.Capabilities.Sriov is not null || f.Capabilities.Siov is not null || parents.Contains(f.Address.ToString())))
                .OrderBy(f => f.Address)
                .Select(f => DeviceInfo.From(f, parents.Contains(f.Address.ToString())))
                .ToArray(),
            MdevTypes = state.MdevParents
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .SelectMany(p => p.Types.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => MdevTypeInfo.From(p, t)))
                .ToArray(),
            Vdevs = state.Mdevs
                .Select(m => VdevInfo.From(m, state.Ledger))
                .OrderBy(v => v.Parent, StringComparer.Ordinal)
                .ThenBy(v => v.Name is null)
                .ThenBy(v => v.Name, StringComparer.Ordinal)
                .ThenBy(v => v.Uuid)
                .ToArray(),
            Findings = findings,
            Ready = state.Findings.All(f => f.Level != ReadinessLevel.Blocker),
        };
    }
}
