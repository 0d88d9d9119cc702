using HdIov.Engine.Model;

namespace HdIov.Engine.Tests.Model;

[Trait("Category", "Spec")]
public sealed class VdevIdentityTests
{
    [Fact]
    public void UuidV5_DnsNamespaceExample_MatchesRfc9562Vector()
    {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), VdevIdentity.UuidV5(dns, "www.example.com"));
    }

    [Fact]
    public void UuidFor_SameHostAndName_IsStable_AndDiffersPerHost()
    {
        var name = new VdevName("qat", 0, "asym", 0);

        Assert.Equal(VdevIdentity.UuidFor("spr-node-01", name), VdevIdentity.UuidFor("spr-node-01", name));
        Assert.NotEqual(VdevIdentity.UuidFor("spr-node-01", name), VdevIdentity.UuidFor("spr-node-02", name));
    }

    [Theory]
    [InlineData("qat/0/asym/3", true)]
    [InlineData("nic/1/ice-vdcm/757", true)]
    [InlineData("../0/asym/3", false)]
    [InlineData("qat/0/asym", false)]
    [InlineData("qat/-1/asym/0", false)]
    [InlineData("qat/0/as/ym/0", false)]
    public void TryParse_ValidatesEverySegment(string text, bool valid)
    {
        Assert.Equal(valid, VdevName.TryParse(text, out _));
    }
}
