using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Session;

/// <summary>The session's scoped observation, its stale-plan policy and the identity its plans carry.</summary>
public sealed class HostSessionTests
{
    private const string QatPf = "0000:6b:00.0";
    private const string NicPf = "0000:16:00.0";
    private static readonly Guid Foreign = new("f0e1d2c3-0000-4000-8000-00000000cafe");

    private static HostSpec Crypto { get; } = Spec(new DeviceSpec(
        "crypto", new DeviceSelector(PciAddress: PciAddress.Parse(QatPf)), SplitMode.Siov, ["asym"], Counts(("asym", 2)), null, OwnershipPolicy.Keep));

    private static HostSpec Nic { get; } = Spec(new DeviceSpec(
        "nic", new DeviceSelector(PciAddress: PciAddress.Parse(NicPf)), SplitMode.Siov, [], Counts(("ice-vdcm", 3)), null, OwnershipPolicy.Keep));

    private static PlanScope CryptoScope { get; } = PlanScope.Of(["crypto"], []);

    [Fact]
    public void Scoped_observation_reads_only_the_parents_the_entry_selects()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        using var session = new HostSession(sim.Host);
        session.Converge(Nic, PlanScope.Of(["nic"], []));
        session.Converge(Crypto, CryptoScope);

        var whole = session.Observe();
        var scoped = session.Observe(Crypto, CryptoScope);

        Assert.Contains(whole.Mdevs, m => m.Parent == NicPf);
        Assert.Equal([QatPf], scoped.MdevParents.Select(p => p.Name));
        Assert.Equal(2, scoped.Mdevs.Length);
        Assert.All(scoped.Mdevs, m => Assert.Equal(QatPf, m.Parent));
        Assert.Equal(
            whole.Mdevs.Where(m => m.Parent == QatPf).OrderBy(m => m.Uuid),
            scoped.Mdevs.OrderBy(m => m.Uuid));
        Assert.All(scoped.MdevctlDefinitions, d => Assert.Equal(QatPf, d.Parent));
        Assert.Equal(whole.Functions.Length, scoped.Functions.Length);
        Assert.Equal(whole.Ledger.Entries.Length, scoped.Ledger.Entries.Length);
        Assert.True(HostSession.Plan(Crypto, scoped, CryptoScope).IsEmpty);
    }

    [Fact]
    public void A_scoped_plan_stays_valid_when_another_parent_changes_and_goes_stale_when_its_own_does()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        using var session = new HostSession(sim.Host);
        session.Converge(Nic, PlanScope.Of(["nic"], []));
        var grow = Crypto with { Devices = [Crypto.Devices[0] with { Vdevs = Counts(("asym", 3)) }] };

        var planned = session.Converge(grow, CryptoScope, apply: false).Plan;
        sim.Host.WriteAttribute(KernelPaths.MdevCreate(NicPf, "ice-vdcm"), KernelPaths.Format(Foreign));
        var applied = session.Apply(grow, planned, CryptoScope);
        Assert.True(applied.Applied!.Converged);

        var again = session.Converge(grow with { Devices = [grow.Devices[0] with { Vdevs = Counts(("asym", 4)) }] }, CryptoScope, apply: false).Plan;
        sim.Host.WriteAttribute(KernelPaths.MdevRemove(applied.State.Mdevs.First(m => m.Parent == QatPf).Uuid), "1");
        Assert.Throws<StalePlanException>(() => session.Apply(again));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Converge_plans_again_when_another_process_made_the_plan_stale_within_its_attempts(int attempts, bool converges)
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var first = new HostSession(sim.Host).Converge(Crypto, CryptoScope).State.Mdevs[0].Uuid;

        // Another process removes a VDEV on the entry's PF between the session's observation and its apply, once.
        var interloper = new InterferingHost(sim.Host, () => sim.Host.WriteAttribute(KernelPaths.MdevRemove(first), "1"));
        using var session = new HostSession(interloper, new SessionOptions { StalePlanAttempts = attempts });
        var grow = Crypto with { Devices = [Crypto.Devices[0] with { Vdevs = Counts(("asym", 3)) }] };

        if (!converges)
        {
            Assert.Throws<StalePlanException>(() => session.Converge(grow, CryptoScope));
            return;
        }

        var converged = session.Converge(grow, CryptoScope);
        Assert.True(converged.Applied!.Converged);
        Assert.True(converged.Remaining.IsEmpty);
        Assert.Equal(3, converged.State.Mdevs.Count(m => m.Parent == QatPf));
    }

    [Fact]
    public void Every_plan_a_session_makes_names_the_host_identity_never_a_path()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        using var session = new HostSession(sim.Host, new SessionOptions { HostName = "spr-node-07" });
        var state = session.Observe();

        Assert.Equal("spr-node-07", session.HostName);
        Assert.Equal("bench-node", HostSession.Plan(Crypto, state).HostName);
        var created = session.PlanCreate(new VdevCreateRequest(NicPf, "ice-vdcm", 1, "scratch", null), state);
        Assert.Equal("spr-node-07", created.Plan.HostName);
        session.Apply(created.Plan);
        var connect = session.PlanConnect(AttachmentRequest.ToContainers([VmDevice.Mdev(NicPf, created.Vdevs[0], null)]), session.Observe());
        Assert.Equal("spr-node-07", connect.HostName);
        using var unnamed = new HostSession(sim.Host);
        var request = unnamed.PlanCreate(new VdevCreateRequest(NicPf, "ice-vdcm", 1, "other", null), unnamed.Observe()).Plan;
        Assert.Equal(HostNames.DefaultName(sim.Host), request.HostName);
        Assert.DoesNotContain("/", request.HostName, StringComparison.Ordinal);
    }

    private static HostSpec Spec(DeviceSpec device) => new("bench-node", PlatformSpec.Empty, [device], []);

    private static ImmutableSortedDictionary<string, int> Counts(params (string Type, int Count)[] counts) =>
        counts.ToImmutableSortedDictionary(c => c.Type, c => c.Count, StringComparer.Ordinal);

    /// <summary>A host on which, the first time an apply takes the host lock, another process changes something first.</summary>
    private sealed class InterferingHost(IHost inner, Action interfere) : DelegatingHost(inner)
    {
        private bool _interfered;

        public override IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (!_interfered)
            {
                _interfered = true;
                interfere();
            }

            return Inner.Lock(path, timeout, cancellationToken);
        }
    }
}
