using System.Text.Json.Nodes;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Testing;
using Json.Schema;

namespace HdIov.Engine.Tests.Execution;

[Trait("Category", "Execution")]
public sealed class ExampleConvergeTests
{
    [Fact]
    public void SprExample_WithPlatformAndAttachments_ConvergesThenOnlyTheRebootIsPending()
    {
        var loaded = SpecLoader.LoadFile(RepositoryFile("examples/spr-qat-e810/host.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");

        var plan = Planner.Plan(loaded.Spec!, new HostObserver(sim.Host).Observe());

        var boot = Assert.Single(plan.Steps, s => s.Operation is SetBootArguments);
        Assert.Equal(Disruption.HostReboot, boot.Disruption);
        Assert.Same(boot, plan.Steps[^1]);
        Assert.Equal(2, plan.Steps.Count(s => s.Operation is SetHugepages { To: 1024 }));
        Assert.Contains(plan.Warnings, w => w.Code == "HDIOV2014");

        var result = new Executor(sim.Host).Apply(plan);

        Assert.True(result.Converged);
        Assert.Contains("hugepagesz=2M", sim.Host.ReadText("/etc/default/grub"), StringComparison.Ordinal);
        Assert.Contains("hugepagesz=2M", sim.Host.ReadText("/boot/grub/grub.cfg"), StringComparison.Ordinal);
        Assert.DoesNotContain("hugepagesz=2M", sim.Host.ReadText("/proc/cmdline"), StringComparison.Ordinal);
        var again = Planner.Plan(loaded.Spec!, result.FinalState);
        Assert.Empty(again.Steps);
        Assert.Contains(again.PendingReboot, p => p.Contains("hugepagesz=2M", StringComparison.Ordinal));

        sim.Host.Reboot();
        var afterReboot = Planner.Plan(loaded.Spec!, new HostObserver(sim.Host).Observe());
        Assert.Empty(afterReboot.PendingReboot);
        Assert.DoesNotContain(afterReboot.Steps, s => s.Operation is SetBootArguments);
    }

    [Fact]
    public void CdiSpec_ForContainerAttachments_ValidatesAgainstTheCdiSchema_AndNamesTheVdevGroups()
    {
        var loaded = SpecLoader.LoadFile(RepositoryFile("examples/spr-qat-e810/host.yaml"));
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var result = new Executor(sim.Host).Apply(Planner.Plan(loaded.Spec!, new HostObserver(sim.Host).Observe()));

        var text = sim.Host.ReadText("/etc/cdi/hdiov.json");
        var schemaDirectory = RepositoryFile("../shared/fixtures/cdi");
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft07 };
        var definitions = JsonSchema.FromText(File.ReadAllText(Path.Combine(schemaDirectory, "defs.json")), options, new Uri("http://hdiov.test/cdi/defs.json"));
        options.SchemaRegistry.Register(new Uri("http://hdiov.test/cdi/defs.json"), definitions);
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(schemaDirectory, "schema.json")), options, new Uri("http://hdiov.test/cdi/schema.json"));
        var evaluation = schema.Evaluate(System.Text.Json.JsonDocument.Parse(text).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, text);
        var explicitEmpty = File.ReadAllText(Path.Combine(schemaDirectory, "bad", "explicit-empty.json"));
        Assert.False(schema.Evaluate(System.Text.Json.JsonDocument.Parse(explicitEmpty).RootElement).IsValid);

        var document = JsonNode.Parse(text)!;
        Assert.Equal("hdiov.dev/vdev", (string?)document["kind"]);
        var names = document["devices"]!.AsArray().Select(d => (string)d!["name"]!).ToArray();
        Assert.Equal(["nic_0_ice-vdcm_1", "qat_1_dc_0"], names);
        var dc = result.FinalState.Mdevs.Single(m => m.Uuid == result.FinalState.Ledger.Entries.Single(e => e.VdevName == "qat/1/dc/0").Uuid);
        Assert.Contains($"/dev/vfio/{dc.IommuGroup}", text, StringComparison.Ordinal);
    }

    internal static string RepositoryFile(string relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
        {
            directory = directory.Parent;
        }

        return Path.GetFullPath(Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"), relative));
    }
}
