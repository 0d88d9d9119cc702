using HdIov.Engine.Model;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Spec;
using HdIov.Testing.Redfish;

namespace HdIov.Engine.Tests.Testing;

/// <summary>Spec documents whose BIOS is set through an emulated BMC, loaded like a user's file (so diagnostics carry positions).</summary>
public static class RedfishSpecs
{
    public const string File = "bmc-host.yaml";

    /// <summary>A spec with only <c>platform.bios</c>: source redfish, the emulator's endpoint and CA, and the given settings/attributes lines.</summary>
    public static HostSpec Load(RedfishEmulator emulator, string settings, string? attributes = null)
    {
        var result = SpecLoader.LoadText(Yaml(emulator, settings, attributes), File);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Spec!;
    }

    public static string Yaml(RedfishEmulator emulator, string settings, string? attributes = null) =>
        "apiVersion: hdiov.dev/v1alpha1\n"
        + "kind: HostState\n"
        + "metadata: { name: bmc-node }\n"
        + "spec:\n"
        + "  platform:\n"
        + "    bios:\n"
        + "      source: redfish\n"
        + $"      settings: {{ {settings} }}\n"
        + (attributes is null ? string.Empty : $"      attributes: {{ {attributes} }}\n")
        + "      redfish:\n"
        + $"        endpoint: {emulator.Endpoint.GetLeftPart(UriPartial.Authority)}\n"
        + $"        caCertificate: {emulator.CaCertificateFile}\n";

    public static RedfishCredential Credential(RedfishEmulator emulator) => new(emulator.Options.UserName, emulator.Options.Password);

    /// <summary>The connection the spec describes, with the emulator's account.</summary>
    public static RedfishConnection Connection(RedfishEmulator emulator, HostSpec spec) =>
        RedfishBiosObserver.ConnectionFor(spec, Credential(emulator))!;
}
