using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Planning;

public sealed class PlanRendererTests
{
    [Fact]
    public void Render_FullE810Split_ShowsOneLinePerKindAndParent_AndDetailedShowsEveryStep()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var spec = Specs.Host("spr-node-01", Specs.Siov("nic", Specs.Pci("0000:16:00.0"), [], ("ice-vdcm", 758)));
        var plan = Planner.Plan(spec, new HostObserver(sim.Host).Observe());
        Assert.Equal(758, plan.Steps.Count(s => s.Operation is CreateMdev));

        var compact = Lines(PlanRenderer.Render(plan));
        var detailed = Lines(PlanRenderer.Render(plan, detailed: true));

        var create = Assert.Single(compact, l => l.Contains("create", StringComparison.Ordinal));
        Assert.Equal("+ nic/0/ice-vdcm/0..757  create 758 ice-vdcm on 0000:16:00.0", Squeeze(create));
        Assert.True(compact.Count < 12, string.Join('\n', compact));
        Assert.Equal(plan.Steps.Length, detailed.Count(l => l.StartsWith("  +", StringComparison.Ordinal) || l.StartsWith("  ~", StringComparison.Ordinal) || l.StartsWith("  -", StringComparison.Ordinal)));
        Assert.All(plan.Steps, s => Assert.Contains(detailed, l => l.Contains(s.Address, StringComparison.Ordinal) && l.Contains(s.Description, StringComparison.Ordinal)));
        Assert.Contains($"Plan: {plan.Steps.Count(s => s.Action == StepAction.Create)} to add", compact.Last(l => l.StartsWith("Plan:", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DisruptingSteps_KeepTheirOwnLines_AndSplitARun()
    {
        var plan = Plan(
            Step(1, "q/0/asym/0", new CreateMdev("0000:6b:00.0", "4xxx-asym", Guid.NewGuid(), "q/0/asym/0", Persistence.Mdevctl)),
            Step(2, "q/0/asym/1", new CreateMdev("0000:6b:00.0", "4xxx-asym", Guid.NewGuid(), "q/0/asym/1", Persistence.Mdevctl)),
            Step(3, "q/0/asym/2", new CreateMdev("0000:6b:00.0", "4xxx-asym", Guid.NewGuid(), "q/0/asym/2", Persistence.Mdevctl), Disruption.DeviceReset),
            Step(4, "q/0/asym/3", new CreateMdev("0000:6b:00.0", "4xxx-asym", Guid.NewGuid(), "q/0/asym/3", Persistence.Mdevctl)),
            Step(5, "q/0/asym/5", new CreateMdev("0000:6b:00.0", "4xxx-asym", Guid.NewGuid(), "q/0/asym/5", Persistence.Mdevctl)),
            Step(6, "q/0/dc/0", new CreateMdev("0000:6b:00.0", "4xxx-dc", Guid.NewGuid(), "q/0/dc/0", Persistence.Mdevctl)),
            Step(7, "q/1/dc/0", new CreateMdev("0000:70:00.0", "4xxx-dc", Guid.NewGuid(), "q/1/dc/0", Persistence.Mdevctl)));

        var lines = Lines(PlanRenderer.Render(plan)).Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(Squeeze).ToList();

        Assert.Equal("+ q/0/asym/0..1 create 2 4xxx-asym on 0000:6b:00.0", lines[0].Replace("  ", " ", StringComparison.Ordinal));
        Assert.StartsWith("+ q/0/asym/2 create 4xxx-asym ", lines[1].Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.StartsWith("! device reset:", lines[2], StringComparison.Ordinal);
        Assert.Equal("+ q/0/asym/{3,5} create 2 4xxx-asym on 0000:6b:00.0", lines[3].Replace("  ", " ", StringComparison.Ordinal));
        Assert.StartsWith("+ q/0/dc/0 create 4xxx-dc ", lines[4].Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.StartsWith("+ q/1/dc/0 create 4xxx-dc ", lines[5].Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(6, lines.Count);
    }

    private static Plan Plan(params PlanStep[] steps) => new("h", "fp", [.. steps], []);

    private static PlanStep Step(int id, string address, StepOperation operation, Disruption disruption = Disruption.None) =>
        new(id, address, StepAction.Create, operation, null, null, disruption, disruption == Disruption.None ? "declared" : "the PF restarts", ImmutableArray<int>.Empty);

    private static List<string> Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];

    private static string Squeeze(string line) => System.Text.RegularExpressions.Regex.Replace(line.Trim(), "  +", "  ");
}
