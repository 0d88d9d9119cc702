using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;

namespace HdIov.Engine.Tests.Execution;

/// <summary>DESIGN §6 idempotence law on every profile: the profile's example converges, and planning again yields no steps.</summary>
[Trait("Category", "Execution")]
[Trait("Category", "Laws")]
[Collection(ConvergedExamplesCollection.Name)]
public sealed class IdempotenceLawTests(ConvergedExamples examples)
{
    [Theory]
    [InlineData("spr-qat-e810")]
    [InlineData("mtty-lab")]
    [InlineData("icx-sriov")]
    public void Converge_ProfileExample_CreatesWhatItDeclares_AndReplanIsEmpty(string profile)
    {
        var (sim, spec, _, result) = examples.Get(profile);

        Assert.True(result.Converged);
        Assert.NotEmpty(result.Completed);
        var declared = ExampleSpecs.DeclaredVdevs(spec);
        var owned = result.FinalState.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.Mdev).ToList();
        Assert.Equal(declared, owned.Select(e => e.VdevName!).Order(StringComparer.Ordinal));
        Assert.All(owned, e => Assert.Contains(result.FinalState.Mdevs, m => m.Uuid == e.Uuid && m.Parent == e.Parent));
        Assert.All(owned, e => Assert.Equal(VdevIdentity.UuidFor(spec.Name, ParseName(e.VdevName!)), e.Uuid));
        foreach (var entry in spec.Devices.Where(d => d.Mode == SplitMode.Sriov))
        {
            var pfs = result.FinalState.Functions.Where(f => f.Sriov is not null && Selects(entry.Select, f)).ToList();
            Assert.NotEmpty(pfs);
            Assert.All(pfs, pf =>
            {
                Assert.Equal(entry.Vfs!.Count, pf.Sriov!.NumVfs);
                Assert.All(pf.Sriov.VirtualFunctions, vf => Assert.Equal(entry.Vfs.Driver, result.FinalState.FindFunction(vf)!.Driver));
            });
        }

        Assert.Empty(Planner.Plan(spec, result.FinalState).Steps);
        Assert.Empty(Planner.Plan(spec, Observe(sim)).Steps);
    }

    [Fact]
    public void Plan_SprExampleOnPasidOffHost_RefusesTheSiovEntriesWithPasidMissing_AndSriovOnlyConverges()
    {
        using var sim = TemporarySimulatedHost.Create("spr-pasid-off");
        var spec = ExampleSpecs.DevicesOnly("spr-qat-e810");
        var before = TreeSnapshot.Take(sim.Root, ".hdiov-sim");

        var error = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Observe(sim)));

        var siovEntries = spec.Devices.Select((d, i) => (d, i)).Where(p => p.d.Mode == SplitMode.Siov).ToList();
        Assert.Equal(
            siovEntries.SelectMany(p => Enumerable.Range(0, p.d.Select.SelectedAddresses.Length).Select(_ => $"spec.devices[{p.i}].mode")),
            error.Diagnostics.Select(d => d.KeyPath));
        Assert.All(error.Diagnostics, d =>
        {
            Assert.Equal(DiagnosticCodes.PasidMissing, d.Code);
            Assert.Contains("ECAP 3ee9e86f050df", d.Message, StringComparison.Ordinal);
            Assert.Contains("PASID=0", d.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(d.Hint));
        });
        Assert.Equal(string.Empty, TreeSnapshot.Difference(before, TreeSnapshot.Take(sim.Root, ".hdiov-sim")));

        var sriovOnly = spec with { Devices = [.. spec.Devices.Where(d => d.Mode == SplitMode.Sriov)] };
        var result = Converge(sim, sriovOnly);

        Assert.True(result.Converged);
        var pf = result.FinalState.FindFunction(PciAddress.Parse("0000:f7:00.0"))!;
        Assert.Equal(16, pf.Sriov!.NumVfs);
        Assert.All(pf.Sriov.VirtualFunctions, vf => Assert.Equal("vfio-pci", result.FinalState.FindFunction(vf)!.Driver));
        Assert.Empty(Planner.Plan(sriovOnly, Observe(sim)).Steps);
    }

    private static VdevName ParseName(string text)
    {
        Assert.True(VdevName.TryParse(text, out var name), text);
        return name;
    }

    private static bool Selects(DeviceSelector select, PciFunction function) =>
        !function.IsVirtualFunction
        && (select.SelectedAddresses.IsEmpty || select.SelectedAddresses.Contains(function.Address))
        && (select.Vendor is null || string.Equals(select.Vendor, function.VendorId.ToString("x4"), StringComparison.OrdinalIgnoreCase))
        && (select.Device is null || string.Equals(select.Device, function.DeviceId.ToString("x4"), StringComparison.OrdinalIgnoreCase))
        && (select.Driver is null || select.Driver == function.Driver);
}
