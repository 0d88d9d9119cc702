using HdIov.Engine.Discovery;

namespace HdIov.Engine.Tests.Discovery;

[Trait("Category", "Discovery")]
public sealed class MdevctlDefinitionFormatTests
{
    private static readonly Guid Uuid = new("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");

    [Fact]
    public void Parse_MdevctlFile_ReadsTypeStartAndOrderedAttributes()
    {
        var definition = MdevctlDefinitionFormat.Parse(Uuid, "0000:00:02.0", "{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"manual\",\"attrs\":[{\"z\":\"1\"},{\"a\":\"2\"}]}");

        Assert.Equal(("i915-GVTg_V5_4", false), (definition.Type, definition.AutoStart));
        Assert.Equal(["z", "a"], definition.Attributes.Select(a => a.Key));
    }

    [Fact]
    public void Write_ThenParse_RoundTrips()
    {
        var definition = new MdevctlDefinition(Uuid, "mtty", "mtty-2", true, [new("k", "v")]);

        var text = MdevctlDefinitionFormat.Write(definition);
        var parsed = MdevctlDefinitionFormat.Parse(Uuid, "mtty", text);

        Assert.Equal((definition.Type, definition.AutoStart), (parsed.Type, parsed.AutoStart));
        Assert.Equal(definition.Attributes.AsEnumerable(), parsed.Attributes.AsEnumerable());
        Assert.Equal("/etc/mdevctl.d/mtty/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", MdevctlDefinitionFormat.PathOf("mtty", Uuid));
    }

    [Theory]
    [InlineData("[]", "object")]
    [InlineData("{\"start\":\"auto\"}", "mdev_type")]
    [InlineData("{\"mdev_type\":\"t\",\"start\":\"always\"}", "always")]
    [InlineData("{\"mdev_type\":\"t\",\"attrs\":[{\"a\":\"1\",\"b\":\"2\"}]}", "one string member")]
    [InlineData("{\"mdev_type\":\"t\",\"attrs\":{}}", "array")]
    [InlineData("{", "not JSON")]
    public void Parse_InvalidFile_SaysWhy(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => MdevctlDefinitionFormat.Parse(Uuid, "mtty", json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
