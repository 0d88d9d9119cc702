using HdIov.Engine.Diagnostics;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Planning;

/// <summary>Impossible plans are refused with a coded diagnostic at the offending key, before anything is applied.</summary>
[Trait("Category", "Planning")]
public sealed class PlanRefusalTests
{
    [Fact]
    public void Plan_QatServicesOverRingPairBudget_IsRefusedWithCapacityExceeded()
    {
        var spec = Specs.Host("spr-node-01", Siov("qat", Pci("0000:6b:00.0"), ["asym", "dc"], ("asym", 40), ("dc", 40)));

        var diagnostic = Assert.Single(Refused(spec, "spr-qat-e810"));

        Assert.Equal(DiagnosticCodes.CapacityExceeded, diagnostic.Code);
        Assert.Equal("spec.devices[0].vdevs", diagnostic.KeyPath);
        Assert.Contains("NumberAdis 80", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("64 ring-pair banks", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_E810PortsOverTheAdapterBudget_IsRefusedWithCapacityExceeded()
    {
        var spec = Specs.Host(
            "spr-node-01",
            Siov("nic0", Pci("0000:16:00.0"), [], ("ice-vdcm", 400)),
            Siov("nic1", Pci("0000:16:00.1"), [], ("ice-vdcm", 359)));

        var diagnostic = Assert.Single(Refused(spec, "spr-qat-e810"));

        Assert.Equal(DiagnosticCodes.CapacityExceeded, diagnostic.Code);
        Assert.Equal("spec.devices[0].vdevs", diagnostic.KeyPath);
        Assert.Contains("759 ice-vdcm VDEVs", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("budget of 758", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_E810PortsExactlyAtTheAdapterBudget_IsAccepted()
    {
        var spec = Specs.Host(
            "spr-node-01",
            Siov("nic0", Pci("0000:16:00.0"), [], ("ice-vdcm", 400)),
            Siov("nic1", Pci("0000:16:00.1"), [], ("ice-vdcm", 358)));

        var plan = Planner.Plan(spec, FreshStates.Of("spr-qat-e810"));

        Assert.Equal(758, plan.Steps.Count(s => s.Operation is CreateMdev { Type: "ice-vdcm" }));
    }

    [Fact]
    public void Plan_SriovCountAboveTotalVfs_IsRefusedWithCapacityExceeded()
    {
        var spec = Specs.Host("spr-node-01", Sriov("qat-vf", Pci("0000:f7:00.0"), 17, "vfio-pci"));

        var diagnostic = Assert.Single(Refused(spec, "spr-qat-e810"));

        Assert.Equal(DiagnosticCodes.CapacityExceeded, diagnostic.Code);
        Assert.Equal("spec.devices[0].vfs.count", diagnostic.KeyPath);
        Assert.Contains("at most 16 VFs", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PfSelectedByTwoEntries_IsRefusedWithModeConflict()
    {
        var spec = Specs.Host(
            "spr-node-01",
            Siov("qat", Driver("4xxx"), ["asym"], ("asym", 1)),
            Sriov("qat-vf", Pci("0000:f7:00.0"), 4, "vfio-pci"));

        var diagnostic = Assert.Single(Refused(spec, "spr-qat-e810"));

        Assert.Equal(DiagnosticCodes.ModeConflict, diagnostic.Code);
        Assert.Equal("spec.devices[1].select", diagnostic.KeyPath);
        Assert.Contains("0000:f7:00.0 is selected by both device 'qat' and device 'qat-vf'", diagnostic.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<Diagnostic> Refused(HdIov.Engine.Model.HostSpec spec, string profile)
    {
        var error = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, FreshStates.Of(profile)));
        Assert.All(error.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Hint)));
        return error.Diagnostics;
    }
}
