using HdIov.Engine.Attachments;
using HdIov.Engine.Attachments.Holders;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Session;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Attachments;

/// <summary>
/// <c>qemu:</c> attachments on a simulated host: the arguments file is written with the VDEVs' rendered arguments,
/// recorded in the ledger, left alone when converged, rewritten when the spec or the file changes (edits are drift),
/// never written over a file the engine did not write, deleted with the folders the engine made on release, and waits
/// with the VDEVs for a reboot.
/// </summary>
[Trait("Category", "Execution")]
public sealed class QemuAttachmentTests
{
    private const string DefaultFile = "/etc/hdiov/qemu/vm01.args";

    [Fact]
    public void Converge_WritesTheArgumentsFile_RecordsIt_AndConvergingAgainPlansNothing()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0", "serial/0/mtty-2/1");

        var result = session.Converge(spec);

        Assert.True(result.Applied!.Converged);
        var write = Assert.Single(result.Plan.Steps, s => s.Operation is WriteQemuArgumentsFile);
        Assert.Equal(StepAction.Create, write.Action);
        var uuids = new[] { "serial/0/mtty-1/0", "serial/0/mtty-2/1" }.Select(n => VdevIdentity.UuidFor("mtty-lab", Name(n))).ToArray();
        var expected = QemuArgumentsFile.Render("vm01", QemuDeviceArguments.For(
            [VmDevice.Mdev("mtty", uuids[0], "serial/0/mtty-1/0"), VmDevice.Mdev("mtty", uuids[1], "serial/0/mtty-2/1")]));
        Assert.Equal(expected, sim.Host.ReadText(DefaultFile));
        Assert.Contains($"-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/{uuids[1]:D},id=hdiov-serial-0-mtty-2-1\n", expected, StringComparison.Ordinal);
        Assert.Equal([DefaultFile], result.State.Ledger.QemuArgumentsFiles.ToArray());
        Assert.Equal(["/etc/hdiov", "/etc/hdiov/qemu"], result.State.Ledger.Entries.Where(e => e.Kind == LedgerEntryKind.CreatedFolder && e.Parent.StartsWith("/etc/hdiov", StringComparison.Ordinal)).Select(e => e.Parent).ToArray());
        Assert.Empty(result.Remaining.Steps);
        Assert.Empty(session.Converge(spec, apply: false).Plan.Steps);
    }

    [Fact]
    public void ArgumentsFile_SourcedByAPosixShell_GivesQemuTheRenderedWords()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: true), "serial/0/mtty-1/0");
        session.Converge(spec);

        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        foreach (var word in new[] { "-c", ". \"$0\"; printf '%s\\n' \"$@\"", sim.Host.Root + DefaultFile, "-m", "4G" })
        {
            start.ArgumentList.Add(word);
        }

        using var shell = System.Diagnostics.Process.Start(start)!;
        var words = shell.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        shell.WaitForExit();

        var uuid = VdevIdentity.UuidFor("mtty-lab", Name("serial/0/mtty-1/0"));
        Assert.Equal(
            ["-m", "4G", .. QemuDeviceArguments.IommuArguments, "-device", $"vfio-pci,sysfsdev=/sys/bus/mdev/devices/{uuid:D},id=hdiov-serial-0-mtty-1-0"],
            words);
    }

    [Fact]
    public void Example_StartScript_RunsQemuWithItsOwnArgumentsThenTheVdevs_AndTheExportGivesTheAttachmentsBack()
    {
        var loaded = HdIov.Engine.Spec.SpecLoader.LoadFile(Path.Combine(HdIov.Engine.Tests.Spec.RepositoryFiles.Root, "examples/mtty-lab/qemu-by-hand.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        var result = session.Converge(loaded.Spec!);
        Assert.Empty(result.Remaining.Steps);
        Assert.Equal(["/etc/hdiov/qemu/vm01.args", "/srv/vms/vm02/hdiov.args"], result.State.Ledger.QemuArgumentsFiles.Order(StringComparer.Ordinal).ToArray());

        var printer = Path.Combine(sim.Host.Root, "print-arguments");
        File.WriteAllText(printer, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        File.SetUnixFileMode(printer, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(HdIov.Engine.Tests.Spec.RepositoryFiles.Root, "examples/mtty-lab/start-vm.sh")) { RedirectStandardOutput = true };
        start.ArgumentList.Add("vm02");
        start.ArgumentList.Add("-S");
        start.Environment["HDIOV_QEMU_ARGS_FILE"] = sim.Host.Root + "/srv/vms/vm02/hdiov.args";
        start.Environment["QEMU"] = printer;
        using var script = System.Diagnostics.Process.Start(start)!;
        var words = script.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        script.WaitForExit();

        Assert.Equal(0, script.ExitCode);
        var exported = session.Export(result.State);
        Assert.Equal(
            loaded.Spec!.Attachments.Select(a => (string.Join(' ', a.Vdevs), a.Qemu)),
            exported.Attachments.Select(a => (string.Join(' ', a.Vdevs), a.Qemu)));
        var uuid = VdevIdentity.UuidFor("mtty-lab", Name("mtty/0/mtty-1/1"));
        Assert.Equal(
            ["-name", "vm02", "-machine", "q35", "-accel", "kvm", "-cpu", "host", "-m", "4G", "-nographic", "-S",
                .. QemuDeviceArguments.IommuArguments, "-device", $"vfio-pci,sysfsdev=/sys/bus/mdev/devices/{uuid:D},id=hdiov-mtty-0-mtty-1-1"],
            words);
    }

    [Fact]
    public void SpecChange_RewritesTheFile_AndReleaseDeletesItWithTheFoldersTheEngineMade()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        session.Converge(Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0"));

        var grown = session.Converge(Spec(new QemuTarget("vm01", DefaultFile, Iommu: true), "serial/0/mtty-1/0", "serial/0/mtty-1/1"));
        var rewrite = Assert.Single(grown.Plan.Steps, s => s.Operation is WriteQemuArgumentsFile);
        Assert.Equal(StepAction.Update, rewrite.Action);
        Assert.True(QemuArgumentsFile.NamesIommu(sim.Host.ReadText(DefaultFile)));
        Assert.Equal(2, QemuArgumentsFile.NamedVdevs(sim.Host.ReadText(DefaultFile)).Count);

        var released = session.Converge(Specs.MttyLab(single: 0, dual: 0));

        Assert.Contains(released.Plan.Steps, s => s.Operation is RemoveQemuArgumentsFile { Path: DefaultFile });
        Assert.False(sim.Host.Exists(DefaultFile));
        Assert.False(sim.Host.Exists("/etc/hdiov"));
        Assert.True(sim.Host.Exists("/etc"));
        Assert.DoesNotContain(released.State.Ledger.Entries, e => e.Kind is LedgerEntryKind.QemuArgumentsFile or LedgerEntryKind.CreatedFolder);
        Assert.Empty(released.Remaining.Steps);
    }

    [Fact]
    public void Release_KeepsAFolderThatWasThereBefore()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        sim.Host.WriteFile("/etc/qemu-vms/other.conf", "kept\n");
        using var session = new HostSession(sim.Host);
        session.Converge(Spec(new QemuTarget("vm01", "/etc/qemu-vms/vm01.args", Iommu: false), "serial/0/mtty-1/0"));

        session.Converge(Specs.MttyLab(single: 0, dual: 0));

        Assert.False(sim.Host.Exists("/etc/qemu-vms/vm01.args"));
        Assert.Equal("kept\n", sim.Host.ReadText("/etc/qemu-vms/other.conf"));
    }

    [Fact]
    public void EditedFile_IsDriftChangedOutside_AndTheNextConvergeWritesItBack()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0");
        session.Converge(spec);
        var written = sim.Host.ReadText(DefaultFile);
        sim.Host.WriteFile(DefaultFile, written.Replace("id=hdiov-", "id=mine-", StringComparison.Ordinal));

        var state = session.Observe(spec);
        var plan = HostSession.Plan(spec, state);
        var drift = HostSession.Drift(spec, state, plan);

        var item = Assert.Single(drift);
        Assert.Equal(DriftKind.ChangedOutside, item.Kind);
        Assert.Contains("edited outside HdIov", item.Reason, StringComparison.Ordinal);
        session.Apply(spec, plan);
        Assert.Equal(written, sim.Host.ReadText(DefaultFile));
    }

    [Fact]
    public void DeletedFile_IsDriftChangedOutside_AndADeclaredChangeIsDeclared()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        session.Converge(Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0"));
        sim.Host.DeleteFile(DefaultFile);
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0");
        var state = session.Observe(spec);

        var deleted = Assert.Single(HostSession.Drift(spec, state, HostSession.Plan(spec, state)));
        Assert.Equal(DriftKind.ChangedOutside, deleted.Kind);

        session.Converge(spec);
        var iommu = Spec(new QemuTarget("vm01", DefaultFile, Iommu: true), "serial/0/mtty-1/0");
        state = session.Observe(iommu);
        var declared = Assert.Single(HostSession.Drift(iommu, state, HostSession.Plan(iommu, state)));
        Assert.Equal(DriftKind.Declared, declared.Kind);
    }

    [Fact]
    public void FileTheEngineDidNotWrite_IsRefusedAtPlan_AndLeftAsItIs()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        sim.Host.WriteFile(DefaultFile, "# the administrator's own\n");
        using var session = new HostSession(sim.Host);
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0") with { SourceFile = "/specs/host.yaml" };

        var error = Assert.Throws<PlanRejectedException>(() => session.Converge(spec));

        var problem = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnownedInTheWay, problem.Code);
        Assert.Equal("spec.attachments[0].qemu.argumentsFile", problem.KeyPath);
        Assert.Contains("HdIov did not write it", problem.Message, StringComparison.Ordinal);
        Assert.Equal("# the administrator's own\n", sim.Host.ReadText(DefaultFile));
        Assert.Empty(new HostObserver(sim.Host).Observe().Mdevs);
    }

    [Fact]
    public void FolderWhereTheFileBelongs_IsRefusedAtPlan_AndLeftAsItIs()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        sim.Host.WriteFile(DefaultFile + "/kept", "x");
        using var session = new HostSession(sim.Host);
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0") with { SourceFile = "/specs/host.yaml" };

        var error = Assert.Throws<PlanRejectedException>(() => session.Converge(spec));

        Assert.Equal(DiagnosticCodes.UnownedInTheWay, Assert.Single(error.Diagnostics).Code);
        Assert.Equal("x", sim.Host.ReadText(DefaultFile + "/kept"));
    }

    [Fact]
    public void FileTheEngineDidNotWrite_IsNotOverwrittenAtApply_EvenByAPlanThatDidNotSeeIt()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        var spec = Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0");
        // Observed without the spec's files (as the host observer alone does): the plan does not know the file.
        var plan = Planner.Plan(spec, new HostObserver(sim.Host).Observe());
        sim.Host.WriteFile(DefaultFile, "# the administrator's own\n");

        var error = Assert.Throws<ApplyFailedException>(() => new Executor(sim.Host).Apply(plan));

        Assert.Contains(error.Diagnostics, d => d.Code == DiagnosticCodes.UnownedInTheWay);
        Assert.Equal("# the administrator's own\n", sim.Host.ReadText(DefaultFile));
        Assert.Empty(LedgerFile.Read(sim.Host).QemuArgumentsFiles);
    }

    [Fact]
    public void VdevTheFileNames_IsHeldByIt_SoRemovingItOnRequestIsRefused_UnlessTheSpecDropsBoth()
    {
        using var sim = TemporarySimulatedHost.Create("mtty-lab");
        using var session = new HostSession(sim.Host);
        session.Converge(Spec(new QemuTarget("vm01", DefaultFile, Iommu: false), "serial/0/mtty-1/0"));
        var uuid = VdevIdentity.UuidFor("mtty-lab", Name("serial/0/mtty-1/0"));
        var state = session.Observe();

        Assert.Equal([new QemuArgumentsFileHolder(DefaultFile)], state.Holders.Of(uuid).ToArray());
        var refused = Assert.Throws<PlanRejectedException>(() => session.PlanRemove(new VdevRemoveRequest([uuid]), state));
        var problem = Assert.Single(refused.Diagnostics);
        Assert.Equal(DiagnosticCodes.DeviceInUse, problem.Code);
        Assert.Contains(DefaultFile, problem.Message, StringComparison.Ordinal);

        var dropped = session.Converge(Specs.MttyLab(single: 0, dual: 0));
        Assert.True(dropped.Applied!.Converged);
        Assert.Empty(dropped.State.Mdevs);
    }

    [Fact]
    public void VdevsWaitingForAReboot_LeaveTheFileAlone_WithAWarningNamingIt()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var grub = sim.Host.ReadText("/etc/default/grub");
        var line = grub.Split('\n').Single(l => l.StartsWith("GRUB_CMDLINE_LINUX=", StringComparison.Ordinal));
        sim.Host.WriteFile("/etc/default/grub", grub.Replace(line, "GRUB_CMDLINE_LINUX=\"intel_iommu=on,sm=on iommu=pt\"", StringComparison.Ordinal));
        Assert.Equal(0, sim.Host.Run("update-grub", []).ExitCode);
        sim.Host.Reboot();
        using var session = new HostSession(sim.Host);
        var qat = Specs.Siov("qat", Specs.Pci("0000:6b:00.0"), ["asym"], ("asym", 1));
        var spec = Specs.Host("spr-node-01", qat) with
        {
            Platform = PlatformSpec.Empty with { Iommu = new IommuSpec(IommuMode.Scalable, null) },
            Attachments = [new AttachmentSpec([Name("qat/0/asym/0")], null, null) { Qemu = new QemuTarget("vm01", DefaultFile, Iommu: true) }],
        };

        var plan = HostSession.Plan(spec, session.Observe(spec));

        Assert.DoesNotContain(plan.Steps, s => s.Operation is WriteQemuArgumentsFile or CreateMdev);
        Assert.Contains(plan.Warnings, w => w.Code == DiagnosticCodes.ScalableModeOff
            && w.Message.Contains($"VM vm01 (its QEMU arguments file {DefaultFile})", StringComparison.Ordinal));
    }

    [Fact]
    public void PlanJson_RoundTripsTheFileSteps()
    {
        var write = new WriteQemuArgumentsFile(DefaultFile, "vm01", [VmDevice.Mdev("mtty", Guid.Parse("f767549d-38a8-5806-8805-da0c0afca870"), "serial/0/mtty-1/0")], true);
        var json = System.Text.Json.JsonSerializer.Serialize<StepOperation>(write, LedgerFile.Options);

        var back = Assert.IsType<WriteQemuArgumentsFile>(System.Text.Json.JsonSerializer.Deserialize<StepOperation>(json, LedgerFile.Options));
        Assert.Equal(write.Render(), back.Render());
        Assert.IsType<RemoveQemuArgumentsFile>(System.Text.Json.JsonSerializer.Deserialize<StepOperation>(
            System.Text.Json.JsonSerializer.Serialize<StepOperation>(new RemoveQemuArgumentsFile(DefaultFile), LedgerFile.Options), LedgerFile.Options));
    }

    private static VdevName Name(string text) => VdevName.TryParse(text, out var name) ? name : throw new ArgumentException(text, nameof(text));

    private static HostSpec Spec(QemuTarget qemu, params string[] vdevs) =>
        Specs.MttyLab() with { Attachments = [new AttachmentSpec([.. vdevs.Select(Name)], null, null) { Qemu = qemu }] };
}
