using HdIov.Engine.Families.Qat4xxx;

namespace HdIov.Engine.Tests.Families;

[Trait("Category", "Execution")]
public sealed class QatSiovBackendTests
{
    private const string Template = """
        # QAT configuration written by the administrator
        [GENERAL]
        ServicesEnabled = asym;dc
        ConfigVersion = 2

        [KERNEL]
        NumberCyInstances = 0
        NumberDcInstances = 0

        [SIOV]
        NumberAdis = 0

        [SSL]
        NumberCyInstances = 2
        """;

    [Fact]
    public void RewriteConfig_ChangesOnlyServicesAndAdis_KeepsCommentsAndOtherSections()
    {
        var rewritten = QatSiovBackend.RewriteConfig(Template, ["sym", "dc"], 16);

        Assert.Contains("ServicesEnabled = sym;dc", rewritten, StringComparison.Ordinal);
        Assert.Contains("NumberAdis = 16", rewritten, StringComparison.Ordinal);
        Assert.Contains("# QAT configuration written by the administrator", rewritten, StringComparison.Ordinal);
        Assert.Contains("ConfigVersion = 2", rewritten, StringComparison.Ordinal);
        Assert.Contains("[SSL]\nNumberCyInstances = 2", rewritten, StringComparison.Ordinal);
        Assert.DoesNotContain("asym;dc", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void RewriteConfig_MissingSiovSection_IsAppended()
    {
        var rewritten = QatSiovBackend.RewriteConfig("[GENERAL]\nServicesEnabled = dc\n", ["asym"], 8);

        Assert.Equal("[GENERAL]\nServicesEnabled = asym\n\n[SIOV]\nNumberAdis = 8\n", rewritten);
    }

    [Fact]
    public void RewriteConfig_IsIdempotent()
    {
        var once = QatSiovBackend.RewriteConfig(Template, ["asym", "dc"], 16);

        Assert.Equal(once, QatSiovBackend.RewriteConfig(once, ["asym", "dc"], 16));
    }

    [Theory]
    [InlineData(64, 2, 32)]
    [InlineData(16, 3, 5)]
    [InlineData(0, 2, 0)]
    public void PerService_SplitsAdisEvenly(int numberAdis, int services, int expected)
    {
        Assert.Equal(expected, QatSiovBackend.PerService(numberAdis, services));
    }
}
