using System.Globalization;
using HdIov.Engine.Model;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Spec;

/// <summary>
/// Writes a model as its canonical <c>hdiov.dev/v1alpha1</c> document: keys in the reference order, defaults left
/// out (ownership keep), small mappings in flow style. <c>SpecLoader.LoadText(SpecWriter.Write(spec))</c> gives
/// back an equal model (apart from source positions).
/// </summary>
public static class SpecWriter
{
    public static string Write(HostSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var output = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var yaml = new YamlEventWriter(output);
        yaml.Mapping(flow: false, () =>
        {
            yaml.Entry("apiVersion", HostSpec.ApiVersion);
            yaml.Entry("kind", HostSpec.Kind);
            yaml.Entry("metadata", flow: false, () => yaml.Entry("name", spec.Name));
            yaml.Entry("spec", flow: false, () =>
            {
                WritePlatform(yaml, spec.Platform);
                yaml.Text("devices");
                yaml.Sequence(flow: spec.Devices.IsDefaultOrEmpty, () =>
                {
                    foreach (var device in spec.Devices.OrEmpty())
                    {
                        WriteDevice(yaml, device);
                    }
                });
                yaml.Text("attachments");
                yaml.Sequence(flow: spec.Attachments.IsDefaultOrEmpty, () =>
                {
                    foreach (var attachment in spec.Attachments.OrEmpty())
                    {
                        WriteAttachment(yaml, attachment);
                    }
                });
            });
        });
        yaml.End();
        return output.ToString();
    }

    private static void WritePlatform(YamlEventWriter yaml, PlatformSpec platform)
    {
        var kernelArgs = platform.KernelArgs.OrEmpty();
        var hugepages = platform.Hugepages.OrEmpty();
        if (platform.Bios is null && platform.Iommu is null && kernelArgs.IsEmpty && hugepages.IsEmpty)
        {
            return;
        }

        yaml.Entry("platform", flow: false, () =>
        {
            if (platform.Bios is { } bios)
            {
                yaml.Entry("bios", flow: false, () =>
                {
                    yaml.Entry("source", bios.Source switch
                    {
                        BiosSource.Redfish => "redfish",
                        BiosSource.FirmwareAttributes => "firmware-attributes",
                        _ => "none",
                    });
                    if (!bios.Settings.IsEmpty)
                    {
                        yaml.Entry("settings", flow: true, () => WriteTexts(yaml, bios.Settings));
                    }

                    if (!bios.Attributes.IsEmpty)
                    {
                        yaml.Entry("attributes", flow: false, () => WriteTexts(yaml, bios.Attributes));
                    }

                    if (bios.Redfish is { } redfish)
                    {
                        yaml.Entry("redfish", flow: false, () =>
                        {
                            yaml.Entry("endpoint", redfish.Endpoint.GetLeftPart(UriPartial.Authority));
                            if (redfish.System is { } system)
                            {
                                yaml.Entry("system", system);
                            }

                            if (redfish.CaCertificate is { } ca)
                            {
                                yaml.Entry("caCertificate", ca);
                            }

                            if (redfish.Insecure)
                            {
                                yaml.Entry("insecure", true);
                            }
                        });
                    }
                });
            }

            if (platform.Iommu is { } iommu)
            {
                yaml.Entry("iommu", flow: true, () =>
                {
                    yaml.Entry("mode", iommu.Mode.ToString().ToLowerInvariant());
                    if (iommu.Passthrough is { } passthrough)
                    {
                        yaml.Entry("passthrough", passthrough);
                    }
                });
            }

            if (!kernelArgs.IsEmpty)
            {
                yaml.Text("kernelArgs");
                yaml.Sequence(flow: true, () => kernelArgs.ToList().ForEach(yaml.Text));
            }

            if (!hugepages.IsEmpty)
            {
                yaml.Text("hugepages");
                yaml.Sequence(flow: false, () =>
                {
                    foreach (var pool in hugepages)
                    {
                        yaml.Mapping(flow: true, () =>
                        {
                            yaml.Entry("size", pool.SizeKiB == 1024 * 1024 ? "1Gi" : "2Mi");
                            yaml.Entry("perNode", pool.PerNode);
                        });
                    }
                });
            }
        });
    }

    private static void WriteDevice(YamlEventWriter yaml, DeviceSpec device)
    {
        yaml.Mapping(flow: false, () =>
        {
            yaml.Entry("name", device.Name);
            yaml.Entry("select", flow: true, () => WriteSelector(yaml, device.Select));
            yaml.Entry("mode", device.Mode.ToString().ToLowerInvariant());
            if (!device.Services.IsDefaultOrEmpty)
            {
                yaml.Text("services");
                yaml.Sequence(flow: true, () => device.Services.ToList().ForEach(yaml.Text));
            }

            if (device.Mode == SplitMode.Siov)
            {
                yaml.Entry("vdevs", flow: true, () =>
                {
                    foreach (var (type, count) in device.Vdevs)
                    {
                        yaml.Entry(type, count);
                    }
                });
            }

            if (device.Mode == SplitMode.Sriov && device.Vfs is { } vfs)
            {
                yaml.Entry("vfs", flow: true, () =>
                {
                    yaml.Entry("count", vfs.Count);
                    if (vfs.Driver is { } driver)
                    {
                        yaml.Entry("driver", driver);
                    }
                });
            }

            if (device.Ownership != OwnershipPolicy.Keep)
            {
                yaml.Entry("ownership", device.Ownership.ToString().ToLowerInvariant());
            }

            if (device.OnHeld != HeldPolicy.Refuse)
            {
                yaml.Entry("onHeld", device.OnHeld.ToString().ToLowerInvariant());
            }
        });
    }

    private static void WriteSelector(YamlEventWriter yaml, DeviceSelector select)
    {
        if (select.PciAddress is { } address)
        {
            yaml.Entry("pciAddress", address.ToString());
        }
        else if (!select.PciAddresses.IsDefaultOrEmpty)
        {
            yaml.Text("pciAddress");
            yaml.Sequence(flow: true, () =>
            {
                foreach (var listed in select.PciAddresses)
                {
                    yaml.Text(listed.ToString());
                }
            });
        }
        else if (select.Parent is { } parent)
        {
            yaml.Entry("parent", parent);
        }
        else if (select.Driver is { } driver)
        {
            yaml.Entry("driver", driver);
        }
        else
        {
            yaml.Entry("vendor", select.Vendor ?? string.Empty);
            yaml.Entry("device", select.Device ?? string.Empty);
        }
    }

    private static void WriteAttachment(YamlEventWriter yaml, AttachmentSpec attachment)
    {
        yaml.Mapping(flow: false, () =>
        {
            yaml.Text("vdevs");
            yaml.Sequence(flow: true, () =>
            {
                foreach (var vdev in attachment.Vdevs.OrEmpty())
                {
                    yaml.Text(vdev.ToString());
                }
            });
            if (attachment.Vm is { } vm)
            {
                yaml.Entry("vm", flow: true, () =>
                {
                    yaml.Entry("name", vm.Name);
                    yaml.Entry("uri", vm.Uri);
                    yaml.Entry("live", vm.Live);
                    if (vm.GuestIommu == GuestIommuPolicy.Add)
                    {
                        yaml.Entry("guestIommu", "add");
                    }
                });
            }

            if (attachment.Container is { } container)
            {
                yaml.Entry("container", flow: true, () => yaml.Entry("cdi", container.Cdi));
            }

            if (attachment.Qemu is { } qemu)
            {
                yaml.Entry("qemu", flow: true, () =>
                {
                    yaml.Entry("name", qemu.Name);
                    yaml.Entry("argumentsFile", qemu.ArgumentsFile);
                    yaml.Entry("iommu", qemu.Iommu);
                });
            }

            if (attachment.OnHeld != HeldPolicy.Refuse)
            {
                yaml.Entry("onHeld", attachment.OnHeld.ToString().ToLowerInvariant());
            }
        });
    }

    private static void WriteTexts(YamlEventWriter yaml, IEnumerable<KeyValuePair<string, string>> entries)
    {
        foreach (var (key, value) in entries)
        {
            yaml.Entry(key, value);
        }
    }

    private static System.Collections.Immutable.ImmutableArray<T> OrEmpty<T>(this System.Collections.Immutable.ImmutableArray<T> items) =>
        items.IsDefault ? [] : items;
}
