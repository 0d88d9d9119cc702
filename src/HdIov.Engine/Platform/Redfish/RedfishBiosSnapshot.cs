using System.Collections.Immutable;

namespace HdIov.Engine.Platform.Redfish;

/// <summary>
/// One ComputerSystem's BIOS as its BMC reports it: the current attributes (<c>Bios.Attributes</c>), the pending ones
/// in the settings object (<c>@Redfish.Settings.SettingsObject</c>) with its ETag, and, when the service publishes the
/// attribute registry, each attribute's allowed values. Values are kept as text (numbers as written, booleans as
/// <c>true</c>/<c>false</c>) with their JSON kind, so a PATCH sends them back in the type the service uses.
/// </summary>
public sealed record RedfishBiosSnapshot(
    string Endpoint,
    string SystemId,
    string BiosPath,
    string SettingsPath,
    string? SettingsETag,
    ImmutableSortedDictionary<string, RedfishAttributeValue> Current,
    ImmutableSortedDictionary<string, RedfishAttributeValue> Pending,
    string? AttributeRegistry,
    ImmutableSortedDictionary<string, RedfishRegistryAttribute> Registry)
{
    /// <summary>The value an attribute will have after the next reboot: the pending one if the settings object holds it, else the current one.</summary>
    public RedfishAttributeValue? NextBoot(string name) => Pending.GetValueOrDefault(name) ?? Current.GetValueOrDefault(name);

    /// <summary>True when the service knows the attribute (in the current values, the settings object or the registry).</summary>
    public bool Knows(string name) => Current.ContainsKey(name) || Pending.ContainsKey(name) || Registry.ContainsKey(name);
}
