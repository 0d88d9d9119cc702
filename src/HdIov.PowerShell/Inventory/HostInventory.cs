using HdIov.Engine.Discovery;

namespace HdIov.PowerShell.Inventory;

/// <summary>
/// What <c>Get-HdIovHost</c> shows: the platform, the VT-d units, the devices that can be split, the mdev types
/// with their free instances, the live VDEVs and VFs and the readiness findings. The devices and virtual devices are
/// the very objects <c>Get-HdIovDevice</c> and <c>Get-HdIovVirtualDevice</c> return, so one set of property names
/// serves all three commands; lists are arrays, so PowerShell can index them.
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

    /// <summary>Physical functions that can be split, as <c>Get-HdIovDevice</c> lists them.</summary>
    public required IReadOnlyList<PhysicalFunctionInfo> Devices { get; init; }

    public required IReadOnlyList<MdevTypeInfo> MdevTypes { get; init; }

    /// <summary>The live VDEVs and VFs, as <c>Get-HdIovVirtualDevice</c> lists them.</summary>
    public required IReadOnlyList<VirtualDeviceInfo> VirtualDevices { get; init; }

    public required IReadOnlyList<FindingInfo> Findings { get; init; }

    /// <summary>True when no finding blocks HD-IOV on this host.</summary>
    public required bool Ready { get; init; }

    public static HostInventory From(HostState state, string hostRoot, bool simulated)
    {
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
            Devices = PhysicalFunctionInfo.AllOf(state).ToArray(),
            MdevTypes = state.MdevParents
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .SelectMany(p => p.Types.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => MdevTypeInfo.From(p, t)))
                .ToArray(),
            VirtualDevices = VirtualDeviceInfo.AllOf(state).ToArray(),
            Findings = findings,
            Ready = state.Findings.All(f => f.Level != ReadinessLevel.Blocker),
        };
    }
}
