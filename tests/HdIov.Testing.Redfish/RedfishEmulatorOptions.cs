namespace HdIov.Testing.Redfish;

/// <summary>How an emulator behaves: its account, its vendor attributes, whether it offers session login and an attribute registry.</summary>
public sealed record RedfishEmulatorOptions
{
    public string UserName { get; init; } = "admin";

    public string Password { get; init; } = "Redfish-Test-Pa55!";

    public BiosVendor Vendor { get; init; } = BiosVendor.IntelReference;

    /// <summary>Offer POST /redfish/v1/SessionService/Sessions; without it that answers 405 and clients use basic authentication.</summary>
    public bool Sessions { get; init; } = true;

    /// <summary>Publish the BIOS attribute registry under /redfish/v1/Registries.</summary>
    public bool PublishRegistry { get; init; } = true;

    /// <summary>The mockup folder; default: found above the running assembly.</summary>
    public string? MockupFolder { get; init; }
}
