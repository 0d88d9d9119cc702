using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class KernelCommandLineTests
{
    [Fact]
    public void Parse_IntelIommuOptions_AreSplitOnCommas()
    {
        var line = KernelCommandLine.Parse("BOOT_IMAGE=/vmlinuz ro intel_iommu=on,sm_on iommu=pt\n");

        Assert.Equal(["on", "sm_on"], line.IntelIommuOptions.ToArray());
        Assert.True(line.HasIntelIommuOption("sm_on"));
        Assert.True(line.IommuPassthrough);
        Assert.Empty(line.UnknownIntelIommuOptions);
    }

    [Fact]
    public void Parse_SmEqualsOn_IsNotScalableMode_AndIsReportedUnknown()
    {
        var line = KernelCommandLine.Parse("intel_iommu=on,sm=on");

        Assert.False(line.HasIntelIommuOption("sm_on"));
        Assert.Equal(["sm=on"], line.UnknownIntelIommuOptions.ToArray());
    }
}
