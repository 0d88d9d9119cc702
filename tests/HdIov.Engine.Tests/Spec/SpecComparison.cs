using System.Text.Json;
using HdIov.Engine.Model;

namespace HdIov.Engine.Tests.Spec;

/// <summary>
/// Model equality for round-trip tests: every value of a <see cref="HostSpec"/>, without source positions and the
/// file name (the records hold immutable collections, whose own Equals compares references).
/// </summary>
internal static class SpecComparison
{
    public static string Canonical(HostSpec spec) => JsonSerializer.Serialize(new
    {
        spec.Name,
        Bios = spec.Platform.Bios is { } bios ? new { bios.Source, bios.Settings, bios.Attributes, Redfish = bios.Redfish is { } r ? new { Endpoint = r.Endpoint.ToString(), r.System, r.CaCertificate, r.Insecure } : null } : null,
        spec.Platform.Iommu,
        KernelArgs = spec.Platform.KernelArgs.ToArray(),
        Hugepages = spec.Platform.Hugepages.ToArray(),
        Devices = spec.Devices.Select(d => new
        {
            d.Name,
            Select = new
            {
                d.Select.Driver,
                Address = d.Select.PciAddress?.ToString(),
                Addresses = d.Select.PciAddresses.IsDefault ? null : d.Select.PciAddresses.Select(a => a.ToString()).ToArray(),
                d.Select.Vendor,
                d.Select.Device,
                d.Select.Parent,
            },
            d.Mode,
            Services = d.Services.ToArray(),
            d.Vdevs,
            d.Vfs,
            d.Ownership,
        }).ToArray(),
        Attachments = spec.Attachments.Select(a => new { Vdevs = a.Vdevs.Select(v => v.ToString()).ToArray(), a.Vm, a.Container, a.Qemu, a.OnHeld }).ToArray(),
    });

    public static void AssertEquivalent(HostSpec expected, HostSpec actual) => Assert.Equal(Canonical(expected), Canonical(actual));
}
