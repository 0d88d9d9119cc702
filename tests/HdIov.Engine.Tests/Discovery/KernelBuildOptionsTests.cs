using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Discovery;

public sealed class KernelBuildOptionsTests
{
    [Theory]
    [InlineData("CONFIG_INTEL_IOMMU_DEFAULT_ON=y\nCONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y\n", true, true)]
    [InlineData("# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n  CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=n\r\n", false, false)]
    [InlineData("CONFIG_INTEL_IOMMU=y\nCONFIG_INTEL_IOMMU_SVM=y\n", null, null)]
    [InlineData("CONFIG_INTEL_IOMMU_DEFAULT_ON=m\nCONFIG_INTEL_IOMMU_DEFAULT_ON_EXTRA=y\n# CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON_EXTRA is not set\n", null, null)]
    [InlineData("CONFIG_INTEL_IOMMU_DEFAULT_ON=y\n# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n", false, null)]
    public void Parse_ReadsBothOptions_ExactlyAsTheConfigWritesThem(string text, bool? defaultOn, bool? scalableDefaultOn)
    {
        var options = KernelBuildOptions.Parse("/boot/config-6.1.0-57-amd64", text);

        Assert.Equal((defaultOn, scalableDefaultOn), (options.IntelIommuDefaultOn, options.ScalableModeDefaultOn));
        Assert.Equal("/boot/config-6.1.0-57-amd64", options.Source);
    }
}
