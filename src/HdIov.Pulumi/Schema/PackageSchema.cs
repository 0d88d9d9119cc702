using System.Text.Json;
using System.Text.Json.Nodes;
using HdIov.Engine.Families;
using HdIov.Pulumi.Resources;

namespace HdIov.Pulumi.Schema;

/// <summary>
/// The package schema GetSchema returns: config, the explicit provider, the resources and their object types. Every
/// property has a description; properties whose change re-creates devices say <c>replaceOnChanges</c>.
/// </summary>
internal static class PackageSchema
{
    public const string Package = "hdiov";

    /// <summary>The string enums of the spec document, as schema enum types (SDKs get them as enums).</summary>
    private static readonly (string Name, string Description, (string Value, string Name)[] Values)[] Enums =
    [
        ("SplitMode", "How a PF is split.", [("siov", "Siov"), ("sriov", "Sriov"), ("none", "None")]),
        ("Ownership", "What the engine may do with devices it did not create.", [("keep", "Keep"), ("adopt", "Adopt"), ("prune", "Prune")]),
        ("HeldPolicy", "What a plan does with a device that another VM, a process or containers hold.", [("refuse", "Refuse"), ("detach", "Detach")]),
        ("BiosSource", "Where BIOS settings are applied.", [("redfish", "Redfish"), ("firmware-attributes", "FirmwareAttributes"), ("none", "None")]),
        ("IommuMode", "The IOMMU mode the kernel boots with.", [("scalable", "Scalable"), ("legacy", "Legacy"), ("off", "Off")]),
        ("HugepageSize", "A hugepage size.", [("2Mi", "Size2Mi"), ("1Gi", "Size1Gi")]),
        ("GuestIommu", "What a converge does about the virtual Intel IOMMU a VM's guest needs for PASID.", [("report", "Report"), ("add", "Add")]),
    ];

    public static string Build(string version)
    {
        var config = ConfigProperties();
        var schema = new JsonObject
        {
            ["name"] = Package,
            ["displayName"] = "HD-IOV",
            ["version"] = version,
            ["description"] = "Declares the Intel Scalable IOV (HD-IOV) state of a Linux virtualization host and converges it: platform settings, PF splits into VDEVs or VFs, and attachments to containers.",
            ["keywords"] = new JsonArray("siov", "mdev", "sriov", "qat", "e810", "category/infrastructure", "kind/native"),
            ["license"] = "MIT",
            ["config"] = new JsonObject { ["variables"] = config.DeepClone() },
            ["provider"] = new JsonObject
            {
                ["description"] = "The host this provider converges, and how to reach its BMC.",
                ["inputProperties"] = config.DeepClone(),
                ["properties"] = config.DeepClone(),
            },
            ["types"] = Types(),
            ["resources"] = new JsonObject
            {
                [PlatformResource.Type] = Platform(),
                [DeviceSplitResource.Type] = DeviceSplit(),
                [AttachmentResource.Type] = Attachment(),
                ["hdiov:index:Host"] = HostComponent(),
            },
            ["language"] = new JsonObject
            {
                ["csharp"] = new JsonObject
                {
                    ["rootNamespace"] = "HdIov",
                    ["packageReferences"] = new JsonObject { ["Pulumi"] = "3.*" },
                    ["namespaces"] = new JsonObject { ["index"] = "Index" },
                    ["respectSchemaVersion"] = true,
                },
            },
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject ConfigProperties() => new()
    {
        ["hostRoot"] = Prop("string", "The root folder of the host: '/' for this machine (the default), or the folder of a simulated host made with New-HdIovSimulatedHost."),
        ["hostName"] = Prop("string", "The host's identity, which seeds every VDEV UUID (UUIDv5 of '<hostName>/<vdev name>'). Default: the host's own name (/proc/sys/kernel/hostname, then /etc/hostname under hostRoot, then a simulated host's profile name), the same default as Export-HdIovHostState's metadata.name."),
        ["bmcEndpoint"] = Prop("string", "The URL of the host's Redfish service, for BIOS settings with source 'redfish'."),
        ["bmcUsername"] = Prop("string", "The BMC account name.", secret: true),
        ["bmcPassword"] = Prop("string", "The BMC account password.", secret: true),
        ["connection"] = Ref("Connection", "The host over SSH: the provider runs the engine on it, in its pwsh with the HdIov module (installed from the module's package). One provider per host; Pulumi runs the providers in parallel. Needs hostName and excludes hostRoot; the host root is the host's own '/' (or the HDIOV_HOST_ROOT its SSH server sets). Waves and failure budgets are not Pulumi's: use Invoke-HdIovFleetRollout for those."),
    };

    private static JsonObject Platform() => Resource(
        "The platform section of a host: BIOS switches, the IOMMU mode, kernel arguments and hugepage pools. One per host; its id is the host name. Changes that take effect at boot are written to the boot loader or firmware and listed in pendingReboot until the host reboots. Deleting it leaves the platform as it is.",
        new JsonObject
        {
            ["bios"] = Ref("Bios", "BIOS settings: vendor-neutral switches and raw vendor attributes, and where they are applied."),
            ["iommu"] = Ref("Iommu", "The IOMMU mode the kernel boots with (intel_iommu=on,sm_on for scalable mode) and passthrough (iommu=pt)."),
            ["kernelArgs"] = Array("string", "Extra kernel arguments merged into the boot loader's GRUB_CMDLINE_LINUX; one argument per item."),
            ["hugepages"] = ArrayOf("Hugepages", "Hugepage pools: one per page size, pages per NUMA node."),
        },
        required: [],
        outputs: new JsonObject
        {
            ["pendingReboot"] = Array("string", "Changes already made that take effect only at the next boot."),
            ["warnings"] = Array("string", "What the engine could only check, not apply (e.g. BIOS settings with source none, or source redfish without a BMC endpoint), with the fix."),
            ["bootLoaderArguments"] = Prop("string", "GRUB_CMDLINE_LINUX as the boot loader is configured now."),
            ["kernelCommandLine"] = Prop("string", "The command line of the running kernel (/proc/cmdline)."),
        });

    private static JsonObject DeviceSplit() => Resource(
        "How one PF, a list of PFs, or every PF a selector matches is split: SIOV VDEVs (mediated devices) or SR-IOV VFs. The same rules as one entry of spec.devices in a HostState document. Its id is the name. Other DeviceSplit resources on the same host are never touched by it.",
        new JsonObject
        {
            ["name"] = Prop("string", "The entry's name; every VDEV is named '<name>/<PF ordinal>/<type>/<ordinal>'. Default: the resource name. Changing it re-creates the VDEVs under new names and UUIDs.", replace: true),
            ["select"] = Ref("Selector", "Which PFs: exactly one of pciAddress, pciAddresses, driver, vendor and device, or parent. Changing it re-creates the split.", replace: true),
            ["mode"] = Enum("SplitMode", "siov: VDEVs from vdevs; sriov: VFs from vfs; none: no split (what the entry owned is removed). Changing it re-creates the split.", replace: true),
            ["services"] = Array("string", $"{DeviceFamilies.ServiceFamiliesPhrase} only: the services the PF's configuration enables ({string.Join(", ", DeviceFamilies.AllServices)})."),
            ["vdevs"] = Map("integer", $"Mode siov: VDEVs per selected PF, by type ({DeviceFamilies.VdevKeysPhrase}; the mdev type id otherwise)."),
            ["vfs"] = Ref("Vfs", "Mode sriov: VFs per PF and the driver to bind them to."),
            ["ownership"] = Enum("Ownership", "What the engine may do with devices on these PFs it did not create: keep (default), adopt, or prune."),
        },
        required: ["select", "mode"],
        outputs: new JsonObject
        {
            ["hostName"] = Prop("string", "The host identity the VDEV UUIDs derive from."),
            ["parents"] = Array("string", "The PFs (PCI addresses) or mdev parents the selector chose, in PF-ordinal order."),
            ["virtualDevices"] = ArrayOf("VirtualDevice", "The VDEVs with their names, UUIDs, parents and IOMMU groups. In a preview, new VDEVs show the UUID they will get and an unknown IOMMU group."),
            ["virtualFunctions"] = ArrayOf("VirtualFunction", "Mode sriov: the VFs with their addresses, drivers and IOMMU groups."),
        });

    private static JsonObject Attachment() => Resource(
        "VDEVs handed to containers as CDI devices (hdiov.dev/vdev=<name> in /etc/cdi/hdiov.json) or to a libvirt domain as mdev hostdevs. Other attachments' CDI devices and hostdevs are kept.",
        new JsonObject
        {
            ["vdevs"] = Array("string", "The VDEVs by name, e.g. qat/0/asym/0 (a DeviceSplit's name, PF ordinal, type, ordinal)."),
            ["vm"] = Ref("VmTarget", "Attach to this libvirt domain as mdev hostdevs. Another domain or URI, or changing between vm and container, re-creates the attachment."),
            ["container"] = Ref("ContainerTarget", "Publish the VDEVs as CDI devices for container runtimes.", replace: true),
            ["onHeld"] = Enum("HeldPolicy", "When another VM, a process or containers hold a VDEV this attachment gives to its target (it moves from another VM, or a hostdev added by hand is in the way): refuse (default; the update fails naming each holder) or detach (take it from the other VMs first, hot-unplugging it from a running guest; a process still refuses)."),
        },
        required: ["vdevs"],
        outputs: new JsonObject
        {
            ["cdiDevices"] = Array("string", "The fully qualified CDI device names a container asks for."),
            ["virtualDevices"] = ArrayOf("AttachedDevice", "The attached VDEVs with their UUIDs and IOMMU groups."),
            ["pendingVmRestart"] = Array("string", "VM attachments only: changes that reach the running guest when it restarts (a non-live attachment to a running domain)."),
        });

    private static JsonObject HostComponent()
    {
        var resource = Resource(
            "A whole HostState document (inline or from a file) as one component: its platform, device entries and attachments become Platform, DeviceSplit and Attachment children.",
            new JsonObject
            {
                ["specPath"] = Prop("string", "Path of a HostState YAML document (hdiov.dev/v1alpha1); relative paths are resolved against the program's directory."),
                ["spec"] = Prop("string", "The HostState document as YAML or JSON text, instead of specPath."),
            },
            required: [],
            outputs: new JsonObject
            {
                ["hostName"] = Prop("string", "metadata.name of the document."),
                ["platform"] = Prop("string", "The URN of the Platform child, absent when the document has no platform section."),
                ["deviceSplits"] = Array("string", "The URNs of the DeviceSplit children, one per device entry, in document order."),
                ["attachments"] = Array("string", "The URNs of the Attachment children, one per attachment, in document order."),
                ["deviceSplitCount"] = Prop("integer", "How many DeviceSplit children the component has."),
                ["attachmentCount"] = Prop("integer", "How many Attachment children the component has."),
            });
        resource["isComponent"] = true;
        resource["required"] = new JsonArray([.. resource["required"]!.AsArray().Where(r => r!.GetValue<string>() != "platform").Select(r => r!.DeepClone())]);
        return resource;
    }

    private static JsonObject Types()
    {
        var types = TypeObjects();
        foreach (var (name, description, values) in Enums)
        {
            types[TypeToken(name)] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = description,
                ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)new JsonObject { ["value"] = v.Value, ["name"] = v.Name })]),
            };
        }

        return types;
    }

    private static JsonObject TypeObjects() => new()
    {
        [TypeToken("Bios")] = ObjectType("BIOS settings.", new JsonObject
        {
            ["source"] = Enum("BiosSource", "Where the settings are applied: firmware-attributes (the kernel's firmware-attributes class), redfish (the BMC's pending BIOS settings over HTTPS, applied by the firmware at the next reboot), none (checked only)."),
            ["settings"] = Map("string", "Vendor-neutral switches virtualization, vtd, sriov, x2apic, enqcmd: enabled or disabled."),
            ["attributes"] = Map("string", "Raw vendor BIOS attributes by name."),
            ["redfish"] = Ref("RedfishAccount", "The BMC account for source redfish, when it differs from the provider's bmc* configuration."),
        }),
        [TypeToken("Connection")] = ObjectType("How the provider reaches its host over SSH: keys only, no prompt, and only the given host key.", new JsonObject
        {
            ["host"] = Prop("string", "The host's address or DNS name."),
            ["port"] = Prop("integer", "The SSH server's port. Default: 22."),
            ["user"] = Prop("string", "The account to log in as; it needs the rights the engine needs on the host (root for a real host)."),
            ["privateKey"] = Prop("string", "The text of the account's private key file (OpenSSH or PEM, without a passphrase). Always kept secret: in the state, in the checked configuration and in every message.", secret: true),
            ["hostKey"] = Prop("string", "The host's SSH public key as its .pub file has it (e.g. 'ssh-ed25519 AAAA...'), checked out of band. The connection accepts no other key: a host that shows another is refused and nothing is sent to it."),
        }, required: ["host", "user", "privateKey", "hostKey"]),
        [TypeToken("RedfishAccount")] = ObjectType("A Redfish service and account.", new JsonObject
        {
            ["endpoint"] = Prop("string", "The https base URL of the Redfish service, e.g. https://bmc01.example."),
            ["system"] = Prop("string", "The ComputerSystem id under /redfish/v1/Systems; needed only when the service has more than one."),
            ["caCertificate"] = Prop("string", "A PEM or DER file with the CA certificate that signed the BMC's TLS certificate. Default: the system's trusted CAs."),
            ["insecure"] = Prop("boolean", "Skip TLS certificate verification. Default: false."),
            ["username"] = Prop("string", "The account name.", secret: true),
            ["password"] = Prop("string", "The account password; always kept secret.", secret: true),
        }),
        [TypeToken("Iommu")] = ObjectType("The IOMMU mode.", new JsonObject
        {
            ["mode"] = Enum("IommuMode", "scalable is needed for SIOV (intel_iommu=on,sm_on)."),
            ["passthrough"] = Prop("boolean", "iommu=pt for devices the host keeps."),
        }, ["mode"]),
        [TypeToken("Hugepages")] = ObjectType("One hugepage pool.", new JsonObject
        {
            ["size"] = Enum("HugepageSize", "The page size."),
            ["perNode"] = Prop("integer", "Pages per NUMA node."),
        }, ["size", "perNode"]),
        [TypeToken("Selector")] = ObjectType("Which PFs a DeviceSplit splits; exactly one form.", new JsonObject
        {
            ["pciAddress"] = Prop("string", "One PF by address, dddd:bb:dd.f."),
            ["pciAddresses"] = Array("string", "Several PFs by address; PF ordinals follow address order."),
            ["driver"] = Prop("string", "Every PF bound to this driver."),
            ["vendor"] = Prop("string", "PCI vendor ID (4 hex digits), with device."),
            ["device"] = Prop("string", "PCI device ID (4 hex digits), with vendor."),
            ["parent"] = Prop("string", "An mdev parent that is not a PCI function, e.g. mtty."),
        }),
        [TypeToken("Vfs")] = ObjectType("SR-IOV VFs per PF.", new JsonObject
        {
            ["count"] = Prop("integer", "VFs per PF, 0 to 256."),
            ["driver"] = Prop("string", "The driver to bind the VFs to, e.g. vfio-pci; default the kernel's choice."),
        }, ["count"]),
        [TypeToken("VirtualDevice")] = ObjectType("A VDEV on the host.", new JsonObject
        {
            ["name"] = Prop("string", "The VDEV name, device/pf/type/n."),
            ["type"] = Prop("string", "The mdev type id."),
            ["uuid"] = Prop("string", "The mdev UUID: UUIDv5 of '<hostName>/<name>', or the UUID of an adopted device."),
            ["parent"] = Prop("string", "The parent PF or mdev parent."),
            ["iommuGroup"] = Prop("integer", "The IOMMU group (/dev/vfio/<group>)."),
        }),
        [TypeToken("VirtualFunction")] = ObjectType("A VF on the host.", new JsonObject
        {
            ["address"] = Prop("string", "The VF's PCI address."),
            ["physicalFunction"] = Prop("string", "The PF it belongs to."),
            ["driver"] = Prop("string", "The driver bound to it."),
            ["iommuGroup"] = Prop("integer", "The IOMMU group."),
        }),
        [TypeToken("AttachedDevice")] = ObjectType("An attached VDEV.", new JsonObject
        {
            ["name"] = Prop("string", "The VDEV name."),
            ["uuid"] = Prop("string", "The mdev UUID."),
            ["iommuGroup"] = Prop("integer", "The IOMMU group."),
        }),
        [TypeToken("VmTarget")] = ObjectType("A libvirt domain.", new JsonObject
        {
            ["name"] = Prop("string", "The domain name. Changing it re-creates the attachment.", replace: true),
            ["uri"] = Prop("string", "The libvirt connection URI; default qemu:///system. Changing it re-creates the attachment.", replace: true),
            ["live"] = Prop("boolean", "Also hot-plug into the running domain; default true. With false a running guest gets the change when it restarts (reported in pendingVmRestart)."),
            ["guestIommu"] = Enum("GuestIommu", "report (default): only report what the domain's definition lacks of a scalable-mode vIOMMU; add: add it (<iommu model='intel'> with intremap and caching_mode, <ioapic driver='qemu'/>, -global intel-iommu.x-scalable-mode=on) to the shut-off domain's definition, and take out only what was added when the attachment is deleted. A non-q35 domain is refused; a running one waits until it is shut off."),
        }, ["name"]),
        [TypeToken("ContainerTarget")] = ObjectType("Container runtimes through CDI.", new JsonObject
        {
            ["cdi"] = Prop("boolean", "Publish CDI devices hdiov.dev/vdev=<name>; default true."),
        }),
    };

    private static string TypeToken(string name) => $"{Package}:index:{name}";

    private static JsonObject Resource(string description, JsonObject inputs, string[] required, JsonObject outputs)
    {
        var properties = (JsonObject)inputs.DeepClone();
        foreach (var (key, value) in outputs)
        {
            properties[key] = value!.DeepClone();
        }

        foreach (var (_, value) in properties)
        {
            value!.AsObject().Remove("replaceOnChanges");
        }

        return new JsonObject
        {
            ["description"] = description,
            ["inputProperties"] = inputs,
            ["requiredInputs"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
            ["properties"] = properties,
            ["required"] = new JsonArray([.. outputs.Select(o => (JsonNode)o.Key)]),
        };
    }

    private static JsonObject ObjectType(string description, JsonObject properties, string[]? required = null) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["properties"] = properties,
        ["required"] = new JsonArray([.. (required ?? []).Select(r => (JsonNode)r)]),
    };

    private static JsonObject Prop(string type, string description, bool secret = false, bool replace = false)
    {
        var result = new JsonObject { ["type"] = type, ["description"] = description };
        if (secret)
        {
            result["secret"] = true;
        }

        if (replace)
        {
            result["replaceOnChanges"] = true;
        }

        return result;
    }

    private static JsonObject Ref(string type, string description, bool replace = false)
    {
        var result = new JsonObject { ["$ref"] = $"#/types/{TypeToken(type)}", ["description"] = description };
        if (replace)
        {
            result["replaceOnChanges"] = true;
        }

        return result;
    }

    /// <summary>A string property whose values are one of the enum type's (see <see cref="Enums"/>).</summary>
    private static JsonObject Enum(string type, string description, bool replace = false)
    {
        var values = Enums.Single(e => e.Name == type).Values.Select(v => v.Value);
        return Ref(type, description + " One of: " + string.Join(", ", values) + ".", replace);
    }

    private static JsonObject Array(string itemType, string description) => new()
    {
        ["type"] = "array",
        ["items"] = new JsonObject { ["type"] = itemType },
        ["description"] = description,
    };

    private static JsonObject ArrayOf(string type, string description) => new()
    {
        ["type"] = "array",
        ["items"] = new JsonObject { ["$ref"] = $"#/types/{TypeToken(type)}" },
        ["description"] = description,
    };

    private static JsonObject Map(string valueType, string description) => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = new JsonObject { ["type"] = valueType },
        ["description"] = description,
    };
}
