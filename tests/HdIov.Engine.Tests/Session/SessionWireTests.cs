using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Execution;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Session;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Session;

/// <summary>One session call and its reply as JSON: what a front reaching a host over a transport reads must be what a local session gives.</summary>
public sealed class SessionWireTests
{
    private static string ExampleSpec => File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", "spr-qat-e810", "host.yaml"));

    [Fact]
    public void A_request_round_trips_with_its_spec_scope_and_account()
    {
        var spec = SpecLoader.LoadText(ExampleSpec, "host.yaml").Spec!;
        var request = new SessionRequest(SessionOperation.Converge)
        {
            HostName = "node-1",
            Spec = spec,
            Scope = PlanScope.Of(["qat"], ["qat/0/asym/0"]),
            Apply = true,
            Libvirt = true,
            BmcAccount = new RedfishCredential("admin", "s3cret"),
            StalePlanAttempts = 3,
        };

        var back = SessionWire.ReadRequest(SessionWire.Write(request));

        Assert.Equal(SpecWriter.Write(spec), SpecWriter.Write(back.Spec!));
        Assert.Equal(["qat"], back.Scope!.Devices);
        Assert.Equal(["qat/0/asym/0"], back.Scope.AttachedVdevs);
        Assert.False(back.Scope.IsWholeHost);
        Assert.Equal(("node-1", true, true, 3), (back.HostName, back.Apply, back.Libvirt, back.StalePlanAttempts));
        Assert.Equal("admin", back.BmcAccount!.UserName);
        Assert.True(back.BmcAccount.Reveals("s3cret"));
        Assert.True(SessionWire.ReadRequest(SessionWire.Write(request with { Scope = null })).Scope is null);
    }

    [Fact]
    public void Handle_converges_on_the_host_and_the_reply_reads_as_the_host_is()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var request = new SessionRequest(SessionOperation.Converge) { Spec = SpecLoader.LoadText(ExampleSpec, "host.yaml").Spec, Apply = true };

        var json = SessionWire.Handle(sim.Root, SessionWire.Write(request), CancellationToken.None);
        var reply = SessionWire.ReadReply(json);

        Assert.Null(reply.Failure);
        var converged = reply.Converged!;
        Assert.NotEmpty(converged.Plan.Steps);
        Assert.Equal(converged.Plan.Steps.Length, converged.Applied!.Completed.Length);
        using var session = new HostSession(sim.Host);
        var now = session.Observe();
        Assert.Equal(now.Fingerprint, converged.State.Fingerprint);
        Assert.Equal(now.Mdevs.Select(m => m.Uuid).Order(), converged.State.Mdevs.Select(m => m.Uuid).Order());
        Assert.Equal(now.Ledger.Entries.Length, converged.State.Ledger.Entries.Length);
        Assert.Equal(json, SessionWire.Write(reply));
    }

    [Fact]
    public void A_refused_spec_is_a_failure_in_the_reply_that_rebuilds_the_engines_exception()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        // A PF the host does not have: the spec loads, and the planner refuses it.
        var loaded = SpecLoader.LoadText(ExampleSpec.Replace("pciAddress: \"0000:16:00.0\"", "pciAddress: \"0000:99:00.0\"", StringComparison.Ordinal), "host.yaml");
        Assert.True(loaded.Succeeded);
        var spec = loaded.Spec!;
        var request = new SessionRequest(SessionOperation.Converge) { Spec = spec, Apply = true };
        using var session = new HostSession(sim.Host);
        var before = session.Observe().Fingerprint;

        var reply = SessionWire.ReadReply(SessionWire.Handle(sim.Root, SessionWire.Write(request), CancellationToken.None));

        var failure = Assert.IsType<SessionFailure>(reply.Failure);
        Assert.Equal(SessionFailureKind.PlanRejected, failure.Kind);
        var rebuilt = Assert.IsType<PlanRejectedException>(failure.ToException());
        Assert.NotEmpty(rebuilt.Diagnostics);
        Assert.All(rebuilt.Diagnostics, d => Assert.StartsWith("HDIOV", d.Code, StringComparison.Ordinal));
        Assert.Equal(before, session.Observe().Fingerprint);
    }

    [Fact]
    public void A_failed_apply_rebuilds_with_its_diagnostic_and_the_steps_done()
    {
        var failure = new SessionFailure(SessionFailureKind.ApplyFailed, "a step failed")
        {
            Diagnostics = [new Diagnostics.Diagnostic("HDIOV3001", Diagnostics.DiagnosticSeverity.Error, "write refused", "retry")],
            Completed = [],
            CausedByCancellation = true,
        };

        var rebuilt = Assert.IsType<ApplyFailedException>(failure.ToException());

        Assert.Equal("HDIOV3001", rebuilt.Diagnostics[0].Code);
        Assert.IsType<OperationCanceledException>(rebuilt.Cause);
    }

    [Fact]
    public void Holders_and_domains_of_every_kind_read_back_as_they_were()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        using var session = new HostSession(sim.Host);
        var vdev = Guid.Parse("7d1a1b0e-0c5e-4f4a-9a37-3f0f0f4e2a01");
        var vf = PciAddress.Parse("0000:f7:00.1");
        var hostdevs = new DomainHostdevs([vdev], [vf]);
        var state = session.Observe() with
        {
            Domains = [new DomainObservation("qemu:///system", "vm01", DomainStatus.Found, true, hostdevs, DomainHostdevs.Empty)],
            Holders = new DeviceHolders(
                [
                    new HeldDevice(vdev, null, new DomainHolder("qemu:///system", "vm01", Running: true, InConfig: true, InLive: false, AttachedByEngine: true, new GuestIommu(true, true, true, true, true, true))),
                    new HeldDevice(null, vf, new ProcessHolder(4242, "qemu-system-x86_64 -name vm02", "VFIO group 42")),
                    new HeldDevice(vdev, null, new ContainerHolder("hdiov.dev/vdev=qat_0_asym_0")),
                ],
                ["/proc/99/fd"]),
        };

        var json = SessionWire.Write(new SessionReply { State = state });
        var back = SessionWire.ReadReply(json).State!;

        Assert.Equal(json, SessionWire.Write(new SessionReply { State = back }));
        Assert.Equal(state.Fingerprint, back.Fingerprint);
        Assert.Equal(
            state.Holders.Devices.Select(d => d.Holder),
            back.Holders.Devices.Select(d => d.Holder));
        var domain = Assert.Single(back.Domains);
        Assert.True(domain.Matches("qemu:///system", "vm01"));
        Assert.Equal([vdev], domain.Config.Mdevs);
        Assert.Equal([vf], domain.Config.PciFunctions);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("no repository root");
    }
}
