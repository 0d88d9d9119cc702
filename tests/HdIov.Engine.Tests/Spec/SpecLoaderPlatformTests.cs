using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Tests.Spec;

[Trait("Category", "Spec")]
public sealed class SpecLoaderPlatformTests
{
    private const string Head = "apiVersion: hdiov.dev/v1alpha1\nkind: HostState\nmetadata: { name: node }\nspec:\n  platform:\n";

    [Fact]
    public void LoadText_FullPlatform_BuildsTheModel()
    {
        var spec = SpecAssert.Valid(Head + """
                bios:
                  source: firmware-attributes
                  settings: { vtd: enabled, x2apic: disabled }
                  attributes: { ProcVirtualization: Enabled, SriovGlobalEnable: true, MmioSize: 512 }
                iommu: { mode: scalable, passthrough: false }
                kernelArgs: [ "hugepagesz=1G", quiet ]
                hugepages: [ { size: 2Mi, perNode: 1024 }, { size: 1Gi, perNode: 0 } ]
            """);

        var platform = spec.Platform;
        Assert.Equal(BiosSource.FirmwareAttributes, platform.Bios!.Source);
        Assert.Equal(["vtd=enabled", "x2apic=disabled"], platform.Bios.Settings.Select(s => $"{s.Key}={s.Value}"));
        Assert.Equal(["MmioSize=512", "ProcVirtualization=Enabled", "SriovGlobalEnable=true"], platform.Bios.Attributes.Select(s => $"{s.Key}={s.Value}"));
        Assert.Equal(new IommuSpec(IommuMode.Scalable, false), platform.Iommu);
        Assert.Equal(["hugepagesz=1G", "quiet"], platform.KernelArgs.ToArray());
        Assert.Equal([new HugepageSpec(2048, 1024), new HugepageSpec(1024 * 1024, 0)], platform.Hugepages.ToArray());
    }

    [Fact]
    public void LoadText_BiosWithoutSource_DefaultsToCheckOnly()
    {
        var spec = SpecAssert.Valid(Head + "    bios: { settings: { sriov: enabled } }\n");

        Assert.Equal(BiosSource.None, spec.Platform.Bios!.Source);
    }

    [Fact]
    public void LoadText_MisspeltBiosSource_SuggestsTheClosest()
    {
        var diagnostic = SpecAssert.Single(Head + "    bios: { source: redfsh }\n", DiagnosticCodes.InvalidValue, "spec.platform.bios.source", 6, 21);

        Assert.StartsWith("did you mean 'redfish'?", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_UnknownBiosSetting_IsAnUnknownKey()
    {
        SpecAssert.Single(Head + "    bios: { settings: { vtx: enabled } }\n", DiagnosticCodes.UnknownKey, "spec.platform.bios.settings.vtx", 6, 25);
    }

    [Fact]
    public void LoadText_BiosSettingNotEnabledOrDisabled_IsInvalid()
    {
        SpecAssert.Single(Head + "    bios: { settings: { vtd: true } }\n", DiagnosticCodes.InvalidValue, "spec.platform.bios.settings.vtd", 6, 30);
    }

    [Fact]
    public void LoadText_BiosAttributeNameWithPath_IsAnInvalidName()
    {
        SpecAssert.Single(Head + "    bios: { attributes: { \"../current_value\": x } }\n", DiagnosticCodes.InvalidName, "spec.platform.bios.attributes.../current_value", 6, 27);
    }

    [Fact]
    public void LoadText_IommuWithoutMode_IsMissingKey()
    {
        SpecAssert.Single(Head + "    iommu: { passthrough: true }\n", DiagnosticCodes.MissingKey, "spec.platform.iommu.mode", 6, 12);
    }

    [Theory]
    [InlineData("\"a b\"")]
    [InlineData("\"a\\0b\"")]
    [InlineData("\"a\\tb\"")]
    [InlineData("\"\"")]
    [InlineData("\"caf\u00e9\"")]
    [InlineData("\"x=$(reboot)\"")]
    [InlineData("\"a;b\"")]
    [InlineData("\"`id`\"")]
    [InlineData("'a\"b'")]
    public void LoadText_KernelArgumentWithWhitespaceControlNonAsciiOrShellSyntax_IsInvalid(string argument)
    {
        SpecAssert.Single(Head + $"    kernelArgs: [ {argument} ]\n", DiagnosticCodes.InvalidValue, "spec.platform.kernelArgs[0]", 6, 19);
    }

    [Fact]
    public void LoadText_KernelArgumentSetByIommu_Conflicts()
    {
        SpecAssert.Single(Head + "    iommu: { mode: off }\n    kernelArgs: [ quiet, \"intel_iommu=on\" ]\n", DiagnosticCodes.ConflictingFields, "spec.platform.kernelArgs[1]", 7, 26);
    }

    [Fact]
    public void LoadText_HugepageSizeUnknown_SuggestsTheClosest()
    {
        var diagnostic = SpecAssert.Single(Head + "    hugepages: [ { size: 1G, perNode: 4 } ]\n", DiagnosticCodes.InvalidValue, "spec.platform.hugepages[0].size", 6, 26);

        Assert.StartsWith("did you mean '1Gi'?", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_HugepageNegativeCount_IsOutOfRange()
    {
        SpecAssert.Single(Head + "    hugepages: [ { size: 1Gi, perNode: -4 } ]\n", DiagnosticCodes.InvalidValue, "spec.platform.hugepages[0].perNode", 6, 40);
    }

    [Fact]
    public void LoadText_TwoPoolsOfOneSize_IsADuplicate()
    {
        SpecAssert.Single(
            Head + "    hugepages:\n      - { size: 2Mi, perNode: 4 }\n      - { size: 2Mi, perNode: 8 }\n",
            DiagnosticCodes.DuplicateName,
            "spec.platform.hugepages[1].size",
            8,
            17);
    }

    [Fact]
    public void LoadText_HugepageCountBeyondLong_IsOutOfRange()
    {
        SpecAssert.Single(Head + "    hugepages: [ { size: 2Mi, perNode: 99999999999999999999 } ]\n", DiagnosticCodes.InvalidValue, "spec.platform.hugepages[0].perNode", 6, 40);
    }

    [Fact]
    public void LoadText_RedfishConnection_BuildsTheModelWithoutAnAccount()
    {
        var spec = SpecAssert.Valid(Head + """
                bios:
                  source: redfish
                  settings: { vtd: enabled, enqcmd: enabled }
                  redfish: { endpoint: "https://bmc01.example:8443", system: "437XR1138R2", caCertificate: ca.pem }
            """);

        Assert.Equal(new RedfishSpec(new Uri("https://bmc01.example:8443/"), "437XR1138R2", "ca.pem", false), spec.Platform.Bios!.Redfish);
        Assert.Equal("enabled", spec.Platform.Bios.Settings["enqcmd"]);
    }

    [Fact]
    public void LoadText_RedfishEndpointWithAnAccount_IsRefusedWithoutEchoingIt()
    {
        var diagnostic = SpecAssert.Single(
            Head + "    bios: { source: redfish, redfish: { endpoint: \"https://root:Hunter2secret@bmc01\" } }\n",
            DiagnosticCodes.InvalidValue, "spec.platform.bios.redfish.endpoint", 6, 51);

        Assert.DoesNotContain("Hunter2secret", diagnostic.ToString(), StringComparison.Ordinal);
        Assert.Contains("-BmcCredential", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://bmc01", "plain http")]
    [InlineData("https://bmc01/redfish/v1", "has a path")]
    [InlineData("bmc01", "is not an https URL")]
    public void LoadText_RedfishEndpointNotAnHttpsBaseUrl_IsRefused(string endpoint, string why)
    {
        var diagnostic = SpecAssert.Single(
            Head + $"    bios: {{ source: redfish, redfish: {{ endpoint: \"{endpoint}\" }} }}\n",
            DiagnosticCodes.InvalidValue, "spec.platform.bios.redfish.endpoint", 6, 51);

        Assert.Contains(why, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_RedfishSectionWithAnotherSource_IsAConflict()
    {
        SpecAssert.Single(
            Head + "    bios: { source: firmware-attributes, redfish: { endpoint: \"https://bmc01\" } }\n",
            DiagnosticCodes.ConflictingFields, "spec.platform.bios.redfish", 6, 42);
    }

    [Fact]
    public void LoadText_CaCertificateAndInsecure_IsAConflict()
    {
        SpecAssert.Single(
            Head + "    bios: { source: redfish, redfish: { endpoint: \"https://bmc01\", caCertificate: ca.pem, insecure: true } }\n",
            DiagnosticCodes.ConflictingFields, "spec.platform.bios.redfish.caCertificate", 6, 83);
    }
}
