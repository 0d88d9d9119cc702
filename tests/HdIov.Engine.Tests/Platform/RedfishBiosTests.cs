using System.Text.Json;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Tests.Testing;
using HdIov.Testing.Redfish;

namespace HdIov.Engine.Tests.Platform;

[Trait("Category", "Redfish")]
public sealed class RedfishBiosTests
{
    private const string Wanted = "virtualization: enabled, vtd: enabled, enqcmd: enabled, x2apic: disabled";

    [Fact]
    public void Observe_EmulatedBmc_ReadsCurrentPendingEtagAndRegistry()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);

        var snapshot = Observe(bmc, spec).Platform.Redfish!;

        Assert.Equal(RedfishEmulator.SystemId, snapshot.SystemId);
        Assert.Equal("/redfish/v1/Systems/437XR1138R2/Bios/Settings", snapshot.SettingsPath);
        Assert.Equal(bmc.SettingsETag, snapshot.SettingsETag);
        Assert.Equal("0x0", snapshot.Current["VTdSupport"].Text);
        Assert.Equal(("Raid", "Ahci"), (snapshot.Current["EmbeddedSata"].Text, snapshot.Pending["EmbeddedSata"].Text));
        Assert.Equal(RedfishValueKind.Number, snapshot.Current["ProcCoreDisable"].Kind);
        Assert.Equal(["0x0", "0x1"], snapshot.Registry["PcieEnqCmdSupport"].Values.ToArray());
    }

    [Fact]
    public void Plan_SettingsDifferFromTheBmc_OneRebootStepWithOnlyTheDifferingAttributes()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);

        var plan = Planner.Plan(spec, Observe(bmc, spec));

        var step = Assert.Single(plan.Steps);
        Assert.Equal(Disruption.HostReboot, step.Disruption);
        Assert.Equal("BIOS settings apply at the next reboot", step.Reason);
        var operation = Assert.IsType<SetRedfishBiosAttributes>(step.Operation);
        Assert.Equal(
            ["PcieEnqCmdSupport 0x0->0x1", "ProcessorVmxEnable 0x0->0x1", "VTdSupport 0x0->0x1"],
            operation.Attributes.Select(a => $"{a.Name} {a.From}->{a.To}"));
        Assert.Equal(bmc.SettingsETag, operation.ETag);
        Assert.Contains("VTdSupport 0x0 -> 0x1", PlanRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PendingValueAlreadyWanted_PlansNothing_AndReportsThePendingReboot()
    {
        using var bmc = RedfishEmulator.Start();
        bmc.SetPending("VTdSupport", "0x1");
        var spec = RedfishSpecs.Load(bmc, "vtd: enabled");

        var plan = Planner.Plan(spec, Observe(bmc, spec));

        Assert.Empty(plan.Steps);
        Assert.Contains(plan.PendingReboot, p => p.Contains("VTdSupport 0x0 -> 0x1", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_RedfishStep_PatchesTheSettingsOnceWithIfMatch_StaysPendingUntilReset_ThenIsConverged()
    {
        using var bmc = RedfishEmulator.Start();
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var connection = RedfishSpecs.Connection(bmc, spec);
        var etagBefore = bmc.SettingsETag;
        var plan = Planner.Plan(spec, Observe(bmc, spec, sim.Host));

        var result = new Executor(sim.Host, new ApplyOptions { Redfish = connection }).Apply(plan);

        Assert.Single(result.Completed);
        var patch = Assert.Single(bmc.Requests, r => r.Method == "PATCH");
        Assert.Equal("/redfish/v1/Systems/437XR1138R2/Bios/Settings", patch.Path);
        Assert.Equal(etagBefore, patch.IfMatch);
        Assert.Equal(
            """{"Attributes":{"PcieEnqCmdSupport":"0x1","ProcessorVmxEnable":"0x1","VTdSupport":"0x1"}}""",
            JsonSerializer.Serialize(JsonDocument.Parse(patch.Body).RootElement));
        Assert.Equal("0x0", bmc.CurrentAttributes()["VTdSupport"]);
        Assert.Equal("0x1", bmc.PendingAttributes()["VTdSupport"]);

        var pending = Planner.Plan(spec, Observe(bmc, spec, sim.Host));
        Assert.Empty(pending.Steps);
        Assert.Equal(3, pending.PendingReboot.Count(p => p.StartsWith("BIOS ", StringComparison.Ordinal)));

        using (var client = new RedfishClient(connection))
        {
            client.Post("/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset", new() { ["ResetType"] = "ForceRestart" });
        }

        var converged = Planner.Plan(spec, Observe(bmc, spec, sim.Host));
        Assert.Equal(1, bmc.Resets);
        Assert.Equal("0x1", bmc.CurrentAttributes()["ProcessorVmxEnable"]);
        Assert.Empty(converged.Steps);
        Assert.Empty(converged.PendingReboot);
    }

    [Fact]
    public void Apply_KernelArgumentsAndRedfishBios_BothBootTimeStepsApplyBeforeTheRebootBarrier()
    {
        using var bmc = RedfishEmulator.Start();
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var loaded = RedfishSpecs.Load(bmc, "vtd: enabled");
        var spec = loaded with { Platform = loaded.Platform with { KernelArgs = ["hugepagesz=2M"] } };
        var plan = Planner.Plan(spec, Observe(bmc, spec, sim.Host));

        var result = new Executor(sim.Host, new ApplyOptions { Redfish = RedfishSpecs.Connection(bmc, spec) }).Apply(plan);

        Assert.Equal([typeof(SetBootArguments), typeof(SetRedfishBiosAttributes)], result.Completed.Select(s => s.Operation.GetType()));
        Assert.False(result.StoppedAtRebootBarrier);
        Assert.Empty(result.Deferred);
        Assert.Equal("0x1", bmc.PendingAttributes()["VTdSupport"]);
        Assert.Contains("hugepagesz=2M", result.FinalState.Platform.BootCommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SettingsChangedSincePlanning_IsRefusedByTheETag_AndKeepsTheOtherChange()
    {
        using var bmc = RedfishEmulator.Start();
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = RedfishSpecs.Load(bmc, "vtd: enabled");
        var plan = Planner.Plan(spec, Observe(bmc, spec, sim.Host));
        bmc.SetPending("ProcessorX2apic", "0x1");

        var failed = Assert.Throws<ApplyFailedException>(() => new Executor(sim.Host, new ApplyOptions { Redfish = RedfishSpecs.Connection(bmc, spec) }).Apply(plan));

        Assert.Equal(DiagnosticCodes.RedfishSettingsChanged, failed.Diagnostics[0].Code);
        Assert.Contains("plan again", failed.Diagnostics[0].Hint, StringComparison.Ordinal);
        Assert.Equal(("0x0", "0x1"), (bmc.PendingAttributes()["VTdSupport"], bmc.PendingAttributes()["ProcessorX2apic"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Observe_WrongPassword_FailsNamingTheUrlStatusAndFix_AndChangesNothing(bool sessions)
    {
        using var bmc = RedfishEmulator.Start(new RedfishEmulatorOptions { Sessions = sessions });
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var wrong = RedfishConnection.For(spec.Platform.Bios!.Redfish!, new RedfishCredential("admin", "not-the-Secret-42"), spec.SourceFile);

        var failure = Assert.Throws<HdIovException>(() => RedfishBiosObserver.Observe(EmptyState(), wrong));

        var diagnostic = Assert.Single(failure.Diagnostics);
        Assert.Equal(DiagnosticCodes.RedfishFailed, diagnostic.Code);
        Assert.Contains("401", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(bmc.Endpoint.GetLeftPart(UriPartial.Authority) + "/redfish/v1/", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("password", diagnostic.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-Secret-42", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(bmc.Requests, r => r.Method is "PATCH" or "DELETE");
        Assert.Equal("0x0", bmc.PendingAttributes()["VTdSupport"]);
    }

    [Fact]
    public void Observe_CertificateNotTrusted_IsRefusedByDefault_WithTheFix_AndSendsNoRequest()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var withoutCa = RedfishConnection.For(spec.Platform.Bios!.Redfish! with { CaCertificate = null }, RedfishSpecs.Credential(bmc), null);

        var failure = Assert.Throws<HdIovException>(() => RedfishBiosObserver.Observe(EmptyState(), withoutCa));

        var diagnostic = Assert.Single(failure.Diagnostics);
        Assert.Contains("TLS certificate", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("not trusted", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("caCertificate", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Empty(bmc.Requests);
    }

    [Fact]
    public void Observe_CaFromAnotherAuthority_IsRefused_NamingTheCaFile()
    {
        using var bmc = RedfishEmulator.Start();
        using var other = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var wrongCa = RedfishConnection.For(spec.Platform.Bios!.Redfish! with { CaCertificate = other.CaCertificateFile }, RedfishSpecs.Credential(bmc), null);

        var failure = Assert.Throws<HdIovException>(() => RedfishBiosObserver.Observe(EmptyState(), wrongCa));

        Assert.Contains("redfish-ca.pem", failure.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Empty(bmc.Requests);
    }

    [Fact]
    public void Observe_InsecureExplicitly_ConnectsWithoutTheCa()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var insecure = RedfishConnection.For(spec.Platform.Bios!.Redfish! with { CaCertificate = null, Insecure = true }, RedfishSpecs.Credential(bmc), null);

        var state = RedfishBiosObserver.Observe(EmptyState(), insecure);

        Assert.Equal("0x0", state.Platform.Redfish!.Current["VTdSupport"].Text);
    }

    [Fact]
    public void Observe_ServiceWithSessions_LogsInUsesTheTokenAndLogsOut()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);

        Observe(bmc, spec);

        var requests = bmc.Requests;
        Assert.Equal(("POST", 201), (requests[1].Method, requests[1].Status));
        Assert.Equal("DELETE", requests[^1].Method);
        Assert.All(requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public void Observe_ServiceWithoutSessions_UsesBasicAuthentication()
    {
        using var bmc = RedfishEmulator.Start(new RedfishEmulatorOptions { Sessions = false, PublishRegistry = false });
        var spec = RedfishSpecs.Load(bmc, Wanted);

        var snapshot = Observe(bmc, spec).Platform.Redfish!;

        Assert.Empty(snapshot.Registry);
        Assert.Contains(bmc.Requests, r => r.Path.EndsWith("/Bios", StringComparison.Ordinal) && r.Authorization!.StartsWith("Basic ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(BiosVendor.Hpe, "sriov: enabled, vtd: enabled", "IntelProcVtd Disabled->Enabled,Sriov Disabled->Enabled")]
    [InlineData(BiosVendor.Dell, "sriov: enabled, x2apic: enabled", "ProcX2Apic Disabled->Enabled,SriovGlobalEnable Disabled->Enabled")]
    public void Plan_VendorAttributeSets_MapTheNeutralNames(BiosVendor vendor, string settings, string expected)
    {
        using var bmc = RedfishEmulator.Start(new RedfishEmulatorOptions { Vendor = vendor, PublishRegistry = false });
        var spec = RedfishSpecs.Load(bmc, settings);

        var operation = Assert.IsType<SetRedfishBiosAttributes>(Assert.Single(Planner.Plan(spec, Observe(bmc, spec)).Steps).Operation);

        Assert.Equal(expected, string.Join(',', operation.Attributes.Select(a => $"{a.Name} {a.From}->{a.To}")));
    }

    [Fact]
    public void Plan_UnknownAttribute_IsRefusedAtItsLine_AndTheBmcIsUntouched()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, "vtd: enabled", "NoSuchKnob: Enabled");

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Observe(bmc, spec)));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodes.BiosAttributeMissing, diagnostic.Code);
        Assert.Equal("spec.platform.bios.attributes.NoSuchKnob", diagnostic.KeyPath);
        Assert.Equal((RedfishSpecs.File, 9, 21), (diagnostic.Location!.File, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.DoesNotContain(bmc.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public void Plan_ValueTheRegistryDoesNotList_IsRefusedWithTheAllowedValues()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, "x2apic: disabled", "VTdSupport: Maybe");

        var refused = Assert.Throws<PlanRejectedException>(() => Planner.Plan(spec, Observe(bmc, spec)));

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidValue, diagnostic.Code);
        Assert.Contains("VTdSupport does not accept 'Maybe'", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("use one of: 0x0, 0x1", diagnostic.Hint);
        Assert.Equal(9, diagnostic.Location!.Line);
    }

    [Fact]
    public void ConnectionFor_RedfishSpecWithoutCredential_IsALocatedErrorNamingWhereToGiveIt()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);

        var missing = Assert.Throws<HdIovException>(() => RedfishBiosObserver.ConnectionFor(spec, null));

        var diagnostic = Assert.Single(missing.Diagnostics);
        Assert.Equal(DiagnosticCodes.BmcCredentialMissing, diagnostic.Code);
        Assert.Equal(9, diagnostic.Location!.Line);
        Assert.Contains("-BmcCredential", diagnostic.Hint, StringComparison.Ordinal);
        Assert.Contains(RedfishCredential.PasswordVariable, diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanAndJournal_NeverContainThePassword()
    {
        using var bmc = RedfishEmulator.Start();
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var connection = RedfishSpecs.Connection(bmc, spec);
        var plan = Planner.Plan(spec, Observe(bmc, spec, sim.Host));

        new Executor(sim.Host, new ApplyOptions { Redfish = connection }).Apply(plan);

        var texts = new[]
        {
            PlanSerializer.ToJson(plan),
            PlanRenderer.Render(plan),
            sim.Host.ReadText(KernelPaths.Journal),
            connection.ToString(),
            connection.Credential.ToString(),
        };
        Assert.All(texts, t => Assert.DoesNotContain(bmc.Options.Password, t, StringComparison.Ordinal));
        Assert.Contains("(password hidden)", connection.Credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PlanSerializer_RedfishStep_RoundTrips()
    {
        using var bmc = RedfishEmulator.Start();
        var spec = RedfishSpecs.Load(bmc, Wanted);
        var plan = Planner.Plan(spec, Observe(bmc, spec));

        var json = PlanSerializer.ToJson(plan);
        var back = Assert.IsType<SetRedfishBiosAttributes>(PlanSerializer.FromJson(json).Steps[0].Operation);

        Assert.Contains("\"kind\": \"setRedfishBiosAttributes\"", json, StringComparison.Ordinal);
        var original = (SetRedfishBiosAttributes)plan.Steps[0].Operation;
        Assert.Equal(original.Attributes, back.Attributes);
        Assert.Equal((original.Endpoint, original.SettingsPath, original.ETag), (back.Endpoint, back.SettingsPath, back.ETag));
    }

    [Fact]
    public void Plan_RedfishSpecObservedWithoutABmc_OnlyChecks()
    {
        using var bmc = RedfishEmulator.Start();
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = RedfishSpecs.Load(bmc, Wanted);

        var plan = Planner.Plan(spec, new HostObserver(sim.Host).Observe());

        Assert.DoesNotContain(plan.Steps, s => s.Operation is SetRedfishBiosAttributes);
        Assert.Empty(bmc.Requests);
    }

    private static HostState Observe(RedfishEmulator bmc, HostSpec spec, IHost? host = null)
    {
        var state = host is null ? EmptyState() : new HostObserver(host).Observe();
        return RedfishBiosObserver.Observe(state, RedfishSpecs.Connection(bmc, spec));
    }

    private static HostState EmptyState()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        return new HostObserver(sim.Host).Observe();
    }
}
