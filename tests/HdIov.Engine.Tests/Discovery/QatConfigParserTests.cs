using HdIov.Engine.Families.Qat4xxx;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class QatConfigParserTests
{
    [Theory]
    [InlineData("4xxx_dev0.conf", 0)]
    [InlineData("4xxx_dev12.conf", 12)]
    [InlineData("4xxx_dev.conf", null)]
    [InlineData("4xxx_dev1.conf.bak", null)]
    [InlineData("4xxxvf_dev0.conf", null)]
    [InlineData("4xxx_dev-1.conf", null)]
    public void IndexOf_FileNames_MatchOnlyDeviceConfigs(string name, int? expected)
    {
        Assert.Equal(expected, QatConfigParser.IndexOf(name));
    }

    [Fact]
    public void Parse_Template_ReadsSectionsAndDefaults()
    {
        const string Text = "[GENERAL]\nServicesEnabled = asym ; dc\nConfigVersion = 2\n# [SIOV]\n# NumberAdis = 64\n[KERNEL]\nNumberCyInstances = 0\n";

        var config = QatConfigParser.Parse(3, "/etc/4xxx_dev3.conf", Text);

        Assert.Equal(["asym", "dc"], config.Services.AsEnumerable());
        Assert.Equal((3, 0, 0, 0), (config.Index, config.NumberAdis, config.KernelCyInstances, config.KernelDcInstances));
        Assert.Equal(Text, config.Text);
    }

    [Theory]
    [InlineData("NumberAdis = 1\n", "before any [section]")]
    [InlineData("[SIOV\nNumberAdis = 1\n", "not closed")]
    [InlineData("[SIOV]\nNumberAdis\n", "neither")]
    [InlineData("[SIOV]\nNumberAdis = -4\n", ":2: [SIOV] NumberAdis")]
    public void Parse_Malformed_NamesFileAndLine(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => QatConfigParser.Parse(0, "/etc/4xxx_dev0.conf", text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("/etc/4xxx_dev0.conf:", error.Message, StringComparison.Ordinal);
    }
}
