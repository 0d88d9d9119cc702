using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Spec;

namespace HdIov.Engine.Tests.Testing;

/// <summary>The example documents of the repository (<c>examples/&lt;profile&gt;/host.yaml</c>), loaded through the real loader.</summary>
internal static class ExampleSpecs
{
    public static HostSpec Load(string example)
    {
        var path = Path.Combine(RepositoryFiles.Root, "examples", example, "host.yaml");
        var result = SpecLoader.LoadFile(path);
        Assert.True(result.Succeeded, $"{path} does not load:\n{string.Join('\n', result.Diagnostics)}");
        return result.Spec!;
    }

    /// <summary>
    /// The example's device entries only. Planning of <c>platform</c> and <c>attachments</c> is being added
    /// separately, so the device tests leave those sections out.
    /// </summary>
    public static HostSpec DevicesOnly(string example) =>
        Load(example) with { Platform = PlatformSpec.Empty, Attachments = [] };

    /// <summary>Every VDEV name a spec declares whose entries select by address (one PF each) or by parent (one parent).</summary>
    public static IReadOnlyList<string> DeclaredVdevs(HostSpec spec) =>
        [.. spec.Devices
            .Where(d => d.Mode == SplitMode.Siov)
            .SelectMany(d => Enumerable.Range(0, Math.Max(1, d.Select.SelectedAddresses.Length)).SelectMany(pf => d.Vdevs.SelectMany(v =>
                Enumerable.Range(0, v.Value).Select(ordinal => new VdevName(d.Name, pf, v.Key, ordinal).ToString()))))
            .Order(StringComparer.Ordinal)];
}
