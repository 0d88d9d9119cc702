// The lab host of ../yaml/Pulumi.yaml as a C# Pulumi program: an explicit hdiov provider for the host in config
// hostRoot, its platform, an mdev split and a container attachment. It needs the C# SDK generated from the plugin's
// schema (namespace HdIov.Hdiov) and the Pulumi NuGet package; see README.md.
using Pulumi;
using Hdiov = HdIov.Hdiov;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var lab = new Hdiov.Provider("lab", new Hdiov.ProviderArgs
    {
        HostRoot = config.Require("hostRoot"),
        HostName = "lab-01",
    });
    var onLab = new CustomResourceOptions { Provider = lab };

    var platform = new Hdiov.Platform("platform", new Hdiov.PlatformArgs
    {
        Iommu = new Hdiov.Inputs.IommuArgs { Mode = Hdiov.IommuMode.Scalable },
        KernelArgs = { "hugepagesz=2M" },
        Hugepages = { new Hdiov.Inputs.HugepagesArgs { Size = Hdiov.HugepageSize.Size2Mi, PerNode = 16 } },
    }, onLab);

    var serial = new Hdiov.DeviceSplit("serial", new Hdiov.DeviceSplitArgs
    {
        Select = new Hdiov.Inputs.SelectorArgs { Parent = "mtty" },
        Mode = Hdiov.SplitMode.Siov,
        Vdevs = { { "mtty-1", 2 }, { "mtty-2", 1 } },
    }, onLab);

    var containers = new Hdiov.Attachment("containers", new Hdiov.AttachmentArgs
    {
        Vdevs = { "serial/0/mtty-1/0", "serial/0/mtty-2/0" },
        Container = new Hdiov.Inputs.ContainerTargetArgs { Cdi = true },
    }, new CustomResourceOptions { Provider = lab, DependsOn = { serial } });

    return new Dictionary<string, object?>
    {
        ["virtualDevices"] = serial.VirtualDevices,
        ["cdiDevices"] = containers.CdiDevices,
        ["pendingReboot"] = platform.PendingReboot,
    };
});
