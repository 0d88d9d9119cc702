using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace HdIov.Engine.Discovery;

/// <summary>
/// A digest of the mutable parts of a host that plans depend on: drivers, VF counts, mdev parents and their
/// types, live mdevs, QAT configs, mdevctl definitions and the ledger. Identity fields that never change
/// (config space, VT-d registers) are left out so reading them twice never makes a plan stale.
/// </summary>
public static class StateFingerprint
{
    // A state is immutable and `with` makes a new object, so a digest keyed by the object never goes stale.
    private static readonly ConditionalWeakTable<HostState, string> Computed = new();

    /// <summary>The state's digest, computed once per state object.</summary>
    public static string Of(HostState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Computed.GetValue(state, Compute);
    }

    public static string Compute(HostState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var text = new StringBuilder();
        if (!state.Scope.IsWholeHost)
        {
            text.Append("scope ").Append(state.Scope.Key).Append('\n');
        }

        foreach (var function in state.Functions.OrderBy(f => f.Address))
        {
            text.Append("pci ").Append(function.Address).Append(' ').Append(function.Driver)
                .Append(' ').Append(function.DriverOverride).Append(' ').Append(function.Sriov?.NumVfs).Append('\n');
        }

        foreach (var parent in state.MdevParents.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append("parent ").Append(parent.Name).Append(' ').Append(string.Join(',', parent.Types.Select(t => t.Id))).Append('\n');
        }

        foreach (var mdev in state.Mdevs.OrderBy(m => m.Uuid))
        {
            text.Append("mdev ").Append(mdev.Uuid).Append(' ').Append(mdev.Parent).Append(' ').Append(mdev.Type).Append('\n');
        }

        foreach (var (path, content) in state.Configurations.Files)
        {
            text.Append("config ").Append(path).Append(' ').Append(content.ReplaceLineEndings(" / ")).Append('\n');
        }

        foreach (var definition in state.MdevctlDefinitions.OrderBy(d => d.Uuid))
        {
            text.Append("def ").Append(definition.Uuid).Append(' ').Append(definition.Parent).Append(' ').Append(definition.Type)
                .Append(' ').Append(definition.AutoStart).Append('\n');
        }

        foreach (var entry in state.Ledger.Entries)
        {
            text.Append("own ").Append(entry.Kind).Append(' ').Append(entry.Parent).Append(' ').Append(entry.Uuid)
                .Append(' ').Append(entry.Count).Append(' ').Append(entry.Attachment).Append('\n');
        }

        var platform = state.Platform;
        text.Append("boot ").Append(platform.BootLoader).Append(' ').Append(platform.BootCommandLine).Append('\n');
        foreach (var attribute in platform.Firmware)
        {
            text.Append("bios ").Append(attribute.Driver).Append(' ').Append(attribute.Name).Append(' ').Append(attribute.CurrentValue).Append('\n');
        }

        foreach (var pool in platform.Hugepages)
        {
            text.Append("hugepages ").Append(pool.Node).Append(' ').Append(pool.SizeKiB).Append(' ').Append(pool.Count).Append('\n');
        }

        text.Append("cdi ").Append(platform.CdiSpec?.ReplaceLineEndings(" ")).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
