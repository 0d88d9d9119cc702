using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Families;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Spec;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Execution.ConvergeTests;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Families;

/// <summary>DSA and IAA (idxd) as a device family: the example splits them on the simulated Sapphire Rapids host.</summary>
public sealed class IdxdFamilyTests
{
    private const string Dsa = "0000:6a:01.0";
    private const string Iaa = "0000:6a:02.0";

    [Fact]
    public void Apply_DsaIaaExample_SplitsEveryDsaAndIaa_AndReplanIsEmpty()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = LoadExample();

        var result = Converge(sim, spec);

        Assert.True(result.Converged);
        var state = result.FinalState;
        Assert.Equal(8 * 2, state.Mdevs.Count(m => m.Type == "idxd-dsa-1dwq-v1"));
        Assert.Equal(8 * 4, state.Mdevs.Count(m => m.Type == "idxd-dsa-1swq-v1"));
        Assert.Equal(8 * 4, state.Mdevs.Count(m => m.Type == "idxd-iax-1swq-v1"));
        Assert.Equal(2, state.Mdevs.Count(m => m.Parent == Dsa && m.Type == "idxd-dsa-1dwq-v1"));
        Assert.Equal(4, state.Mdevs.Count(m => m.Parent == Iaa));
        Assert.Equal(VdevIdentity.UuidFor("spr-node-01", new VdevName("dsa", 0, "dsa-dwq", 0)),
            state.Ledger.Entries.Single(e => e.VdevName == "dsa/0/dsa-dwq/0").Uuid);
        Assert.Empty(Planner.Plan(spec, Observe(sim)).Steps);
    }

    [Fact]
    public void Export_AfterTheExample_GivesTheFamilyKeysBack()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = LoadExample();
        Converge(sim, spec);

        var exported = HostStateExporter.Export(Observe(sim), "spr-node-01");

        var dsa = Assert.Single(exported.Devices, d => d.Name == "dsa");
        Assert.Equal(new Dictionary<string, int> { ["dsa-dwq"] = 2, ["dsa-swq"] = 4 }, dsa.Vdevs.ToDictionary(v => v.Key, v => v.Value));
        Assert.Empty(Planner.Plan(exported, Observe(sim)).Steps);
    }

    [Fact]
    public void Plan_DsaKeyOnAnIaa_IsRefusedAtTheKey()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Siov("iaa", Pci(Iaa), [], ("dsa-swq", 1)));

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Observe(sim)));

        var problem = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodes.TypeNotOffered, problem.Code);
        Assert.Equal("spec.devices[0].vdevs.dsa-swq", problem.KeyPath);
        Assert.Contains("iax-swq", problem.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MoreDedicatedQueuesThanConfigured_IsACapacityError()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Siov("dsa", Pci(Dsa), [], ("dsa-dwq", 5)));

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Observe(sim)));

        var problem = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodes.CapacityExceeded, problem.Code);
        Assert.Equal("spec.devices[0].vdevs.dsa-dwq", problem.KeyPath);
        Assert.Contains("declare at most 4 dsa-dwq VDEVs", problem.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_WithoutPasid_NamesTheSvaFailure()
    {
        using var sim = TemporarySimulatedHost.Create("spr-pasid-off");

        var findings = Observe(sim).Findings.Where(f => f.Subject == Dsa).ToList();

        var finding = Assert.Single(findings);
        Assert.Equal(ReadinessLevel.Warning, finding.Level);
        Assert.Contains("Unable to turn on user SVA feature", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_WithoutAWorkQueueForMdev_SaysHowToConfigureOne()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var state = WithoutParent(Observe(sim), Dsa);

        var finding = Assert.Single(ReadinessEvaluator.Evaluate(state), f => f.Subject == Dsa);

        Assert.Contains("no work queue is configured for mdev use", finding.Message, StringComparison.Ordinal);
        Assert.Contains("accel-config config-wq", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_DeviceWithoutPasidCapability_SaysPasidIsNotEnabled()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var observed = WithoutParent(Observe(sim), Dsa);
        var dsa = observed.FindFunction(PciAddress.Parse(Dsa))!;
        var state = observed with
        {
            Functions = [.. observed.Functions.Select(f => f == dsa ? dsa with { Capabilities = dsa.Capabilities with { Pasid = null } } : f)],
        };

        var finding = Assert.Single(ReadinessEvaluator.Evaluate(state), f => f.Subject == Dsa);

        Assert.Contains("PASID is not enabled on the device", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanCreate_ByFamilyKey_ResolvesTheWorkQueueType()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");

        var plan = ImperativePlanner.PlanCreate(new VdevCreateRequest(Dsa, "dsa-swq", Count: 2), Observe(sim));

        Assert.All(plan.Plan.Steps, s => Assert.Equal("idxd-dsa-1swq-v1", Assert.IsType<CreateMdev>(s.Operation).Type));
        Assert.Equal(2, plan.Plan.Steps.Length);
    }

    [Fact]
    public void Registry_NamesDsaAndIaaIdxd()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var state = Observe(sim);

        Assert.Equal("Idxd", DeviceFamilies.NameOf(state.FindFunction(PciAddress.Parse(Dsa))!));
        Assert.Equal("Idxd", DeviceFamilies.NameOf(state.FindFunction(PciAddress.Parse(Iaa))!));
        Assert.Contains("Idxd", DeviceFamilies.Names);
    }

    private static HostSpec LoadExample()
    {
        var result = SpecLoader.LoadFile(Path.Combine(RepositoryFiles.Root, "examples", "spr-qat-e810", "dsa-iaa.yaml"));
        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        return result.Spec!;
    }

    private static HostState WithoutParent(HostState state, string parent) =>
        state with { MdevParents = [.. state.MdevParents.Where(p => p.Name != parent)] };
}
