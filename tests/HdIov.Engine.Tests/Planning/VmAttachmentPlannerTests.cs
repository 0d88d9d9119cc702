using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Planning;

/// <summary>VM attachments planned against observed domains: pure, no libvirt involved.</summary>
[Trait("Category", "Planning")]
public sealed class VmAttachmentPlannerTests
{
    private const string Uri = "qemu:///system";
    private const string Vm = "lab-vm01";

    [Fact]
    public void Plan_RunningDomainLiveAttachment_HotPlugsWithoutDisruption()
    {
        var plan = Planner.Plan(Spec(live: true), State(Domain(active: true)));

        var attaches = plan.Steps.Where(s => s.Operation is AttachVdevToVm).ToList();
        Assert.Equal(2, attaches.Count);
        Assert.All(attaches, s => Assert.Equal(DomainChangeScope.Config | DomainChangeScope.Live, ((AttachVdevToVm)s.Operation).Scope));
        Assert.All(attaches, s => Assert.Equal(Disruption.None, s.Disruption));
        Assert.DoesNotContain(plan.Warnings, w => w.Code == "HDIOV2014");
    }

    [Fact]
    public void Plan_RunningDomainNotLive_ConfigOnlyAndVmRestartWithReason()
    {
        var plan = Planner.Plan(Spec(live: false), State(Domain(active: true)));

        var attach = plan.Steps.First(s => s.Operation is AttachVdevToVm);
        Assert.Equal(DomainChangeScope.Config, ((AttachVdevToVm)attach.Operation).Scope);
        Assert.Equal(Disruption.VmRestart, attach.Disruption);
        Assert.Contains("restarts", attach.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ShutOffDomain_ConfigOnlyWithoutDisruption()
    {
        var plan = Planner.Plan(Spec(live: true), State(Domain(active: false)));

        var attach = plan.Steps.First(s => s.Operation is AttachVdevToVm);
        Assert.Equal(DomainChangeScope.Config, ((AttachVdevToVm)attach.Operation).Scope);
        Assert.Equal(Disruption.None, attach.Disruption);
    }

    [Fact]
    public void Plan_AttachSteps_ComeAfterTheVdevIsCreatedAndDependOnIt()
    {
        var plan = Planner.Plan(Spec(live: true), State(Domain(active: false)));

        var attach = plan.Steps.First(s => s.Operation is AttachVdevToVm);
        var uuid = ((AttachVdevToVm)attach.Operation).Device.Uuid;
        var create = plan.Steps.Single(s => s.Operation is CreateMdev c && c.Uuid == uuid);
        Assert.True(attach.Id > create.Id);
        Assert.NotEmpty(attach.DependsOn);
    }

    [Fact]
    public void Plan_MissingDomain_IsALocatedErrorWithAFix()
    {
        var missing = new DomainObservation(Uri, Vm, DomainStatus.Missing, false, DomainHostdevs.Empty, DomainHostdevs.Empty, "no domain", "define it");

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(Spec(live: true), State(missing)));

        var problem = Assert.Single(refused.Diagnostics, d => d.Code == "HDIOV2019");
        Assert.Equal("spec.attachments[0].vm.name", problem.KeyPath);
        Assert.NotNull(problem.Location);
        Assert.Equal("define it", problem.Hint);
    }

    [Fact]
    public void Plan_DomainAlreadyHasTheHostdevs_RecordsThemOnceThenNothing()
    {
        var first = Planner.Plan(Spec(live: true), State(Domain(active: false)));
        var uuids = first.Steps.Select(s => s.Operation).OfType<AttachVdevToVm>().Select(a => a.Device.Uuid!.Value).ToImmutableHashSet();
        var converged = Domain(active: false, config: uuids);
        var ledger = Ledger(first.Steps.Select(s => s.Operation).OfType<AttachVdevToVm>()
            .Select(a => AttachmentScopes.VmEntry(Uri, Vm, a.Device, live: true, imperative: false)));

        var plan = Planner.Plan(Spec(live: true), State(converged, ledger));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is AttachVdevToVm or RecordAttachment or DetachVdevFromVm);
    }

    [Fact]
    public void Plan_ForeignHostdevNotInLedger_IsLeftAlone()
    {
        var foreign = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var spec = Spec(live: true) with { Attachments = [] };

        var plan = Planner.Plan(spec, State(Domain(active: true, config: [foreign], live: [foreign])));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is DetachVdevFromVm or ForgetAttachment);
    }

    [Fact]
    public void Plan_OwnedHostdevNoLongerDeclared_IsDetachedFromWhereItIs()
    {
        var ours = VmDevice.Mdev("mtty", Guid.Parse("aaaaaaaa-2222-3333-4444-555555555555"), "mtty/0/mtty-1/3");
        var spec = Spec(live: true) with { Attachments = [] };
        var ledger = Ledger([AttachmentScopes.VmEntry(Uri, Vm, ours, live: true, imperative: false)]);

        var plan = Planner.Plan(spec, State(Domain(active: true, config: [ours.Uuid!.Value], live: [ours.Uuid.Value]), ledger));

        var detach = Assert.Single(plan.Steps, s => s.Operation is DetachVdevFromVm);
        Assert.Equal(DomainChangeScope.Config | DomainChangeScope.Live, ((DetachVdevFromVm)detach.Operation).Scope);
        Assert.Equal(StepAction.Delete, detach.Action);
    }

    [Fact]
    public void Plan_ImperativeAttachmentNotDeclared_WarnsAndLeavesIt()
    {
        var ours = VmDevice.Mdev("mtty", Guid.Parse("aaaaaaaa-2222-3333-4444-555555555555"), null);
        var spec = Spec(live: true) with { Attachments = [] };
        var ledger = Ledger([AttachmentScopes.VmEntry(Uri, Vm, ours, live: true, imperative: true)]);

        var plan = Planner.Plan(spec, State(Domain(active: true, config: [ours.Uuid!.Value], live: [ours.Uuid.Value]), ledger));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is DetachVdevFromVm or ForgetAttachment);
        Assert.Contains(plan.Warnings, w => w.Code == "HDIOV2021" && w.Hint.Contains("Disconnect-HdIovVirtualDevice", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_WithoutDomainObservation_WarnsThatTheVmIsNotConverged()
    {
        var plan = Planner.Plan(Spec(live: true), FreshStates.Of("mtty-lab"));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is AttachVdevToVm);
        Assert.Contains(plan.Warnings, w => w.Code == "HDIOV2014" && w.KeyPath == "spec.attachments[0].vm");
    }

    [Fact]
    public void PlanSerializer_VmSteps_RoundTrip()
    {
        var plan = Planner.Plan(Spec(live: true), State(Domain(active: true)));

        var again = PlanSerializer.FromJson(PlanSerializer.ToJson(plan));

        Assert.Equal(plan.Steps.Select(s => s.Operation).OfType<AttachVdevToVm>(), again.Steps.Select(s => s.Operation).OfType<AttachVdevToVm>());
        Assert.Contains("attach mtty/0/mtty-1/0 to VM lab-vm01", PlanRenderer.Render(again, detailed: true), StringComparison.Ordinal);
        Assert.Contains("attach 2 devices to VM lab-vm01", PlanRenderer.Render(again), StringComparison.Ordinal);
    }

    private static HostSpec Spec(bool live)
    {
        var loaded = SpecLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, RepositoryRelative("examples/mtty-lab/host.yaml")));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var spec = loaded.Spec!;
        return spec with
        {
            Attachments = [.. spec.Attachments.Select(a => a.Vm is { } vm ? a with { Vm = vm with { Live = live } } : a)],
        };
    }

    private static string RepositoryRelative(string path)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, path);
    }

    private static DomainObservation Domain(bool active, ImmutableHashSet<Guid>? config = null, ImmutableHashSet<Guid>? live = null) =>
        new(Uri, Vm, DomainStatus.Found, active, new DomainHostdevs(config ?? [], []), active ? new DomainHostdevs(live ?? config ?? [], []) : DomainHostdevs.Empty);

    private static OwnershipLedger Ledger(IEnumerable<LedgerEntry> entries) =>
        new([.. FreshStates.Of("mtty-lab").Ledger.Entries, .. entries]);

    private static HostState State(DomainObservation domain, OwnershipLedger? ledger = null) =>
        FreshStates.Of("mtty-lab") with { Domains = [domain], Ledger = ledger ?? FreshStates.Of("mtty-lab").Ledger };
}
