using System.Globalization;
using System.Text.RegularExpressions;
using HdIov.Engine.Discovery;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>
/// Discovery against the real lspci: for every PCI function of a converged spr-qat-e810 host (PFs and VFs), the
/// capabilities HostObserver parsed are the ones lspci decodes, at the same offsets and with the same fields.
/// </summary>
[Trait("Category", "Simulation")]
[Collection(ConvergedExamplesCollection.Name)]
public sealed partial class LspciDiscoveryFidelityTests(ConvergedExamples examples)
{
    [Fact]
    public void Lspci_EveryFunction_DecodesExactlyTheCapabilitiesDiscoveryParsed()
    {
        var example = examples.Get("spr-qat-e810");
        var state = new HostObserver(example.Host.Host).Observe();
        var blocks = LspciBlocks(example.Host.Root);

        Assert.Equal(state.Functions.Select(f => f.Address.ToString()).Order(StringComparer.Ordinal), blocks.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(state.Functions, f => f.IsVirtualFunction);
        foreach (var function in state.Functions)
        {
            var text = blocks[function.Address.ToString()];
            var decoded = CapabilityLine().Matches(text).ToDictionary(m => Convert.ToInt32(m.Groups["offset"].Value, 16), m => m.Groups["name"].Value);
            var caps = function.Capabilities;
            var where = $"{function.Address}:\n{text}";

            Assert.True(text.Contains($"[{function.VendorId:x4}:{function.DeviceId:x4}]", StringComparison.Ordinal), where);
            Assert.True(caps.Entries.Select(e => e.Offset).Order().SequenceEqual(decoded.Keys.Order()), $"offsets differ: discovery {string.Join(',', caps.Entries.Select(e => e.Offset.ToString("x", CultureInfo.InvariantCulture)))}; {where}");
            Assert.True(OffsetOf(decoded, "Process Address Space ID (PASID)") == caps.Pasid?.Offset, where);
            Assert.True(OffsetOf(decoded, "Address Translation Service (ATS)") == caps.Ats?.Offset, where);
            Assert.True(OffsetOf(decoded, "Page Request Interface (PRI)") == caps.Pri?.Offset, where);
            Assert.True(OffsetOf(decoded, "Single Root I/O Virtualization (SR-IOV)") == caps.Sriov?.Offset, where);
            Assert.True(OffsetOf(decoded, "Designated Vendor-Specific: Vendor=8086 ID=0005") == caps.Siov?.Offset, where);

            if (caps.Pasid is { } pasid)
            {
                Assert.True(text.Contains($"PASIDCap: Exec{Sign(pasid.ExecutePermission)} Priv{Sign(pasid.PrivilegedMode)}, Max PASID Width: {pasid.MaxPasidWidth:x2}", StringComparison.Ordinal), where);
            }

            if (caps.Sriov is { } sriov)
            {
                Assert.True(text.Contains($"Initial VFs: {sriov.InitialVfs}, Total VFs: {sriov.TotalVfs}, Number of VFs: {sriov.NumVfs}", StringComparison.Ordinal), where);
                Assert.True(text.Contains($"VF offset: {sriov.FirstVfOffset}, stride: {sriov.VfStride}, Device ID: {sriov.VfDeviceId:x4}", StringComparison.Ordinal), where);
                Assert.Equal(function.Sriov!.TotalVfs, sriov.TotalVfs);
                Assert.Equal(function.Sriov.NumVfs, sriov.NumVfs);
            }

            if (caps.Siov is { } siov)
            {
                Assert.True(text.Contains($"Designated Vendor-Specific: Vendor=8086 ID=0005 Rev={siov.Revision} Len={siov.Length}", StringComparison.Ordinal), where);
            }
        }

        Assert.Equal(8, state.Functions.Count(f => f.Capabilities.Siov is not null && f.DeviceId == 0x4940));
        Assert.Equal(16, state.Functions.Count(f => f.PhysicalFunction?.ToString() == "0000:f7:00.0"));
    }

    private static int? OffsetOf(Dictionary<int, string> decoded, string namePrefix) =>
        decoded.Where(d => d.Value.StartsWith(namePrefix, StringComparison.Ordinal)).Select(d => (int?)d.Key).SingleOrDefault();

    private static string Sign(bool value) => value ? "+" : "-";

    private static Dictionary<string, string> LspciBlocks(string root)
    {
        var lspci = ExternalTool.Require("lspci", "pciutils");
        var (exitCode, output, error) = ExternalTool.Run(lspci, "-A", "linux-sysfs", "-O", $"sysfs.path={root}/sys/bus/pci", "-D", "-nn", "-vvv");
        Assert.True(exitCode == 0, $"lspci failed ({exitCode}): {error}");
        return output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToDictionary(block => block[..12], block => block, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\tCapabilities: \[(?<offset>[0-9a-f]+)(?: v\d+)?\] (?<name>.+)$", RegexOptions.Multiline)]
    private static partial Regex CapabilityLine();
}
