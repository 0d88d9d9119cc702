using System.Globalization;
using HdIov.Engine.Simulation;
using HdIov.Engine.Tests.Simulation;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>The real lspci (pciutils) decodes the simulated config spaces as it decodes hardware.</summary>
[Trait("Category", "Simulation")]
public sealed class LspciFidelityTests
{
    private static readonly Dictionary<string, string> CapabilityNames = new(StringComparer.Ordinal)
    {
        ["aer"] = "Advanced Error Reporting",
        ["ari"] = "Alternative Routing-ID Interpretation (ARI)",
        ["ats"] = "Address Translation Service (ATS)",
        ["pasid"] = "Process Address Space ID (PASID)",
        ["pri"] = "Page Request Interface (PRI)",
        ["sriov"] = "Single Root I/O Virtualization (SR-IOV)",
        ["siov-dvsec"] = "Designated Vendor-Specific: Vendor=8086 ID=0005 Rev=0 Len=24",
    };

    [Theory]
    [InlineData("0000:6b:00.0", "qat-4xxx-pf", "Co-processor: Intel Corporation 4xxx Series QAT", "4xxx")]
    [InlineData("0000:6a:01.0", "dsa", "System peripheral: Intel Corporation", "idxd")]
    [InlineData("0000:16:00.1", "e810-c-qsfp", "Ethernet controller: Intel Corporation Ethernet Controller E810-C for QSFP", "ice")]
    public void Lspci_DecodesEveryExtendedCapabilityAtTheProfileOffset(string address, string template, string identity, string driver)
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var text = Lspci(sim.Root, address);

        Assert.Contains(identity, text, StringComparison.Ordinal);
        Assert.Contains($"Kernel driver in use: {driver}", text, StringComparison.Ordinal);
        var capabilities = SimulatedHostProfiles.Get("spr-qat-e810").Data.Templates[template].ExtendedCapabilities;
        Assert.Contains(capabilities, c => c.Id == "ats");
        Assert.Contains(capabilities, c => c.Id == "pasid");
        foreach (var capability in capabilities)
        {
            var offset = Convert.ToInt32(capability.Offset, 16).ToString("x", CultureInfo.InvariantCulture);
            var version = capability.Id == "aer" ? 2 : 1;
            Assert.Contains($"Capabilities: [{offset} v{version}] {CapabilityNames[capability.Id]}", text, StringComparison.Ordinal);
        }

        Assert.Contains("Max PASID Width: 14", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Lspci_QatPf_ShowsSriovTotalsPriAndSiovDvsec()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var text = Lspci(sim.Root, "0000:f7:00.0");

        Assert.Contains("Initial VFs: 16, Total VFs: 16, Number of VFs: 0", text, StringComparison.Ordinal);
        Assert.Contains("VF offset: 1, stride: 1, Device ID: 4941", text, StringComparison.Ordinal);
        Assert.Contains("Capabilities: [160 v1] Page Request Interface (PRI)", text, StringComparison.Ordinal);
        Assert.Contains("Capabilities: [200 v1] Designated Vendor-Specific: Vendor=8086 ID=0005 Rev=0 Len=24", text, StringComparison.Ordinal);
        Assert.Contains("PASIDCap: Exec- Priv+, Max PASID Width: 14", text, StringComparison.Ordinal);
        Assert.Contains("NUMA node: 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Lspci_AfterSriovNumvfs_ShowsNumberOfVfsAndTheVfFunctions()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:16:00.0/sriov_numvfs", "4");

        var pf = Lspci(sim.Root, "0000:16:00.0");
        var vf = Lspci(sim.Root, "0000:16:01.3");

        Assert.Contains("Total VFs: 128, Number of VFs: 4", pf, StringComparison.Ordinal);
        Assert.Contains("IOVCtl:\tEnable+", pf, StringComparison.Ordinal);
        Assert.Contains("Intel Corporation Ethernet Adaptive Virtual Function", vf, StringComparison.Ordinal);
        Assert.Contains("Kernel driver in use: iavf", vf, StringComparison.Ordinal);
    }

    private static string Lspci(string root, string address)
    {
        var lspci = ExternalTool.Require("lspci", "pciutils");
        var (exitCode, output, error) = ExternalTool.Run(lspci, "-A", "linux-sysfs", "-O", $"sysfs.path={root}/sys/bus/pci", "-vvv", "-s", address);
        Assert.True(exitCode == 0, $"lspci failed ({exitCode}): {error}");
        Assert.False(string.IsNullOrWhiteSpace(output), $"lspci printed nothing for {address}: {error}");
        return output;
    }
}
