using System.Buffers.Binary;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
using HdIov.Engine.Simulation;
using static HdIov.Engine.Tests.Simulation.SimulatedHostScope;

namespace HdIov.Engine.Tests.Simulation;

[Trait("Category", "Simulation")]
public sealed class SimulatedHostTests
{
    [Fact]
    public void Profiles_ContainTheRequiredOnes_AndUnknownNameListsValidNames()
    {
        Assert.Equal(["icx-sriov", "mtty-lab", "spr-e810-x14", "spr-pasid-off", "spr-qat-e810", "spr-qat-e810-rhel9", "spr-qat-e810-systemd-boot", "spr-qat-e810-vtd-off"], SimulatedHostProfiles.All.Select(p => p.Name).Order(StringComparer.Ordinal));

        var error = Assert.Throws<ArgumentException>(() => SimulatedHostProfiles.Get("spr"));

        Assert.Contains("spr-qat-e810", error.Message, StringComparison.Ordinal);
        Assert.Contains("mtty-lab", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProfileParse_MalformedOrUndefinedTemplate_NamesTheSourceAndTheProblem()
    {
        var malformed = Assert.Throws<FormatException>(() => SimulatedHostProfiles.Parse("{\"name\": 3}", "broken.json"));
        Assert.Contains("broken.json", malformed.Message, StringComparison.Ordinal);

        var valid = System.Text.Json.Nodes.JsonNode.Parse(ReadEmbedded("mtty-lab.json"))!;
        valid["functions"]![0]!["template"] = "no-such-template";
        var undefined = Assert.Throws<FormatException>(() => SimulatedHostProfiles.Parse(valid.ToJsonString(), "edited.json"));
        Assert.Contains("no-such-template", undefined.Message, StringComparison.Ordinal);
        Assert.Contains("0000:01:00.0", undefined.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NonEmptyFolder_RefusedWithoutForce_AndForceNeverWipesAForeignFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "hdiov-foreign-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "keep.txt"), "mine");
        try
        {
            Assert.Throws<IOException>(() => SimulatedHost.Create(root, "mtty-lab"));
            var forced = Assert.Throws<IOException>(() => SimulatedHost.Create(root, "mtty-lab", force: true));
            Assert.Contains("not a simulated host", forced.Message, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(root, "keep.txt")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Create_ForceOverPreviousSimulatedHost_ReplacesIt()
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        var replaced = SimulatedHost.Create(sim.Root, "icx-sriov", force: true);

        Assert.Equal("icx-sriov", replaced.ProfileName);
        Assert.False(replaced.Exists("/sys/class/mdev_bus/mtty"));
        Assert.Equal("icx-sriov", SimulatedHost.Open(sim.Root).ProfileName);
    }

    [Fact]
    public void HostFactory_OpensRootSlashAsLinuxHost_SimulatedRootAsSimulated_OtherwiseExplains()
    {
        using var sim = new SimulatedHostScope("mtty-lab");

        Assert.IsType<LinuxHost>(HostFactory.Open("/"));
        Assert.True(HostFactory.Open(sim.Root).IsSimulated);
        var error = Assert.Throws<ArgumentException>(() => HostFactory.Open(Path.GetTempPath()));
        Assert.Contains("New-HdIovSimulatedHost", error.Message, StringComparison.Ordinal);
        Assert.False(SimulatedHost.IsSimulatedRoot(Path.GetTempPath()));
    }

    [Fact]
    public void SprProfile_ExposesPlatformFacts()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        Assert.Equal("5.15.0-91-generic", sim.Host.KernelRelease.Release);
        Assert.Contains("intel_iommu=on,sm_on iommu=pt", sim.Read("/proc/cmdline"), StringComparison.Ordinal);
        Assert.Equal(8, sim.Host.ListDirectory("/sys/class/iommu").Count);
        Assert.Equal("3ef9ee6f050df", sim.Read("/sys/class/iommu/dmar7/intel-iommu/ecap"));
        Assert.Equal("19ed008c40780c66", sim.Read("/sys/class/iommu/dmar0/intel-iommu/cap"));
        Assert.Equal("6:0", sim.Read("/sys/class/iommu/dmar0/intel-iommu/version"));
        Assert.Contains("model name\t: Intel(R) Xeon(R) Platinum 8480+", sim.Host.ReadText("/proc/cpuinfo"), StringComparison.Ordinal);
        Assert.Equal("0-55,112-167", sim.Read("/sys/devices/system/node/node0/cpulist"));

        var leaf1 = sim.Host.CpuId(1, 0);
        Assert.Equal(0x8Fu, ((leaf1.Eax >> 4) & 0xf) | (((leaf1.Eax >> 16) & 0xf) << 4));
        Assert.NotEqual(0u, leaf1.Ecx & (1u << 5));
        var leaf7 = sim.Host.CpuId(7, 0);
        Assert.Equal(3u, (leaf7.Ecx >> 28) & 3);
    }

    [Fact]
    public void DmarTable_HasValidChecksumAndOneDrhdPerUnit()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");

        var table = sim.Host.ReadBytes("/sys/firmware/acpi/tables/DMAR");

        Assert.Equal("DMAR", System.Text.Encoding.ASCII.GetString(table, 0, 4));
        Assert.Equal(table.Length, (int)BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4)));
        Assert.Equal(0, table.Sum(b => b) & 0xff);
        var types = new List<int>();
        var includeAll = 0;
        for (var offset = 48; offset < table.Length; offset += BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(offset + 2)))
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(offset));
            types.Add(type);
            includeAll += type == 0 && (table[offset + 4] & 1) == 1 ? 1 : 0;
        }

        Assert.Equal(8, types.Count(t => t == 0));
        Assert.Equal(1, includeAll);
        Assert.Contains(1, types);
        Assert.Contains(2, types);
        Assert.Equal(8, types.Count(t => t == 3));
    }

    [Fact]
    public void Fault_NthWriteFailsWithErrnoWithoutEffect_ThenIsConsumed()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:01:00.0/sriov_drivers_autoprobe", "1");
        sim.Host.InjectFault(new SimulatedFault(AtWrite: 2, Errno.EIO));
        var uuid = Guid.NewGuid().ToString();

        sim.Host.WriteFile("/etc/mdevctl.d/mtty/note", "x");
        sim.WriteFails(TypeCreate("mtty", "mtty-1"), uuid, Errno.EIO);
        Assert.False(sim.Host.Exists($"/sys/bus/mdev/devices/{uuid}"));
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid);

        Assert.True(sim.Host.Exists($"/sys/bus/mdev/devices/{uuid}"));
        Assert.Equal(4, sim.Host.WriteCount);
    }

    [Fact]
    public async Task Pause_NthWriteWaitsUnmadeUntilResumed_AnotherOpenSeesAndResumesIt()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.PauseBeforeWrite(2);
        var other = SimulatedHost.Open(sim.Root);
        var uuid = Guid.NewGuid().ToString();

        var writer = Task.Run(() =>
        {
            sim.Host.WriteFile("/etc/mdevctl.d/mtty/note", "x");
            sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid);
        });
        SpinWait.SpinUntil(() => other.IsPaused || writer.IsCompleted, TimeSpan.FromSeconds(30));

        Assert.True(other.IsPaused);
        Assert.False(writer.IsCompleted);
        Assert.True(other.Exists("/etc/mdevctl.d/mtty/note"));
        Assert.False(other.Exists($"/sys/bus/mdev/devices/{uuid}"));
        other.ResumeWrites();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(sim.Host.Exists($"/sys/bus/mdev/devices/{uuid}"));
        Assert.False(sim.Host.IsPaused);
        Assert.Equal(2, sim.Host.WriteCount);
    }

    [Fact]
    public void Fault_Crash_ThrowsBeforeTouchingAnything_SeenByAnotherOpen()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.InjectFault(new SimulatedFault(AtWrite: 1, Crash: true));
        var other = SimulatedHost.Open(sim.Root);

        Assert.Throws<SimulatedCrashException>(() => other.WriteFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"\"\n"));

        Assert.Contains("intel_iommu=on,sm_on", sim.Host.ReadText("/etc/default/grub"), StringComparison.Ordinal);
        Assert.Equal(1, sim.Host.WriteCount);
        sim.Host.ClearFaults();
        Assert.Equal(0, other.WriteCount);
    }

    [Fact]
    public void Fault_OnRun_FailsTheCommandWithoutRunningIt()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"intel_iommu=off\"\n");
        sim.Host.InjectFault(new SimulatedFault(AtWrite: 1, Errno.EIO));

        var result = sim.Host.Run("update-grub", []);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("intel_iommu=on,sm_on", sim.Host.ReadText("/boot/grub/grub.cfg"), StringComparison.Ordinal);
    }

    [Fact]
    public void StateChanges_AreSeenByAnotherOpenOfTheSameRoot()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        var uuid = Guid.NewGuid().ToString();
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-2"), uuid);

        var other = SimulatedHost.Open(sim.Root);

        Assert.Equal("mtty-lab", other.ProfileName);
        var error = Assert.Throws<HostIoException>(() => other.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid));
        Assert.Equal(Errno.EEXIST, error.Errno);
        other.WriteAttribute($"/sys/bus/mdev/devices/{uuid}/remove", "1");
        Assert.False(sim.Host.Exists($"/sys/bus/mdev/devices/{uuid}"));
    }

    [Fact]
    public void StateChanges_ByAnotherOpen_AreSeenByAHostThatHasWrittenBefore()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        var other = SimulatedHost.Open(sim.Root);
        var uuid = Guid.NewGuid().ToString();
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid);
        other.WriteAttribute($"/sys/bus/mdev/devices/{uuid}/remove", "1");

        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-2"), uuid);

        Assert.Equal("mtty-2", Path.GetFileName(sim.Host.ReadLink($"/sys/bus/mdev/devices/{uuid}/mdev_type")));
        Assert.Equal("22", sim.Read(Available("mtty", "mtty-1")));
        var error = Assert.Throws<HostIoException>(() => other.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid));
        Assert.Equal(Errno.EEXIST, error.Errno);
    }

    [Fact]
    public void Create_WithForce_IsSeenByAHostStillOpenOnTheOldOne()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        var uuid = Guid.NewGuid().ToString();
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid);

        SimulatedHost.Create(sim.Root, "mtty-lab", force: true);

        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-1"), uuid);
        Assert.True(sim.Host.Exists($"/sys/bus/mdev/devices/{uuid}"));
        Assert.Equal(1, sim.Host.WriteCount);
    }

    [Fact]
    public void ConcurrentWriters_OnTwoOpensOfOneRoot_AreSerialisedWithoutLosingState()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        var hosts = new[] { sim.Host, SimulatedHost.Open(sim.Root) };

        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            hosts[i % 2].WriteAttribute(TypeCreate("mtty", "mtty-1"), Guid.NewGuid().ToString()));

        Assert.Equal(24, sim.Host.ListDirectory("/sys/bus/mdev/devices").Count);
        Assert.Equal("0", sim.Read(Available("mtty", "mtty-1")));
        Assert.Equal(24, hosts[1].WriteCount);
        sim.WriteFails(TypeCreate("mtty", "mtty-1"), Guid.NewGuid().ToString(), Errno.ENOSPC);
    }

    [Fact]
    public void GrubEdit_TakesEffectOnlyAfterUpdateGrubAndReboot()
    {
        using var sim = new SimulatedHostScope("spr-pasid-off");
        sim.Host.WriteFile("/etc/default/grub", sim.Host.ReadText("/etc/default/grub").Replace("intel_iommu=on,sm_on", "intel_iommu=on,sm_on iommu=pt hugepages=64", StringComparison.Ordinal));

        sim.Host.Reboot();
        Assert.DoesNotContain("hugepages=64", sim.Read("/proc/cmdline"), StringComparison.Ordinal);

        Assert.Equal(0, sim.Host.Run("update-grub", []).ExitCode);
        Assert.DoesNotContain("hugepages=64", sim.Read("/proc/cmdline"), StringComparison.Ordinal);
        sim.Host.Reboot();

        Assert.StartsWith("BOOT_IMAGE=/boot/vmlinuz-5.15.0-91-generic root=UUID=", sim.Read("/proc/cmdline"), StringComparison.Ordinal);
        Assert.Contains("intel_iommu=on,sm_on iommu=pt hugepages=64 quiet splash", sim.Read("/proc/cmdline"), StringComparison.Ordinal);
    }

    [Fact]
    public void Reboot_DropsTransientState_AndRecreatesAutoDefinitionsInUuidOrder()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        const string First = "00000000-0000-4000-8000-000000000001";
        const string Second = "00000000-0000-4000-8000-000000000002";
        const string Manual = "00000000-0000-4000-8000-000000000003";
        const string Third = "00000000-0000-4000-8000-000000000004";
        const string UnknownType = "00000000-0000-4000-8000-000000000005";
        sim.Host.WriteFile($"/etc/mdevctl.d/mtty/{Second}", "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\",\"attrs\":[]}");
        sim.Host.WriteFile($"/etc/mdevctl.d/mtty/{First}", "{\"mdev_type\":\"mtty-1\",\"start\":\"auto\",\"attrs\":[]}");
        sim.Host.WriteFile($"/etc/mdevctl.d/mtty/{Manual}", "{\"mdev_type\":\"mtty-1\",\"start\":\"manual\",\"attrs\":[]}");
        sim.Host.WriteFile($"/etc/mdevctl.d/mtty/{Third}", "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\",\"attrs\":[]}");
        sim.Host.WriteFile($"/etc/mdevctl.d/mtty/{UnknownType}", "{\"mdev_type\":\"mtty-9\",\"start\":\"auto\",\"attrs\":[]}");
        for (var i = 0; i < 10; i++)
        {
            sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-2"), Guid.NewGuid().ToString());
        }

        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs", "2");
        sim.Host.WriteAttribute("/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci");

        sim.Host.Reboot();

        Assert.Equal([First, Second, Third], sim.Host.ListDirectory("/sys/bus/mdev/devices"));
        Assert.Equal("19", sim.Read(Available("mtty", "mtty-1")));
        Assert.Equal("0", sim.Read("/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs"));
        Assert.Equal("(null)", sim.Read("/sys/bus/pci/devices/0000:01:00.0/driver_override"));
        Assert.Equal("nvme", Path.GetFileName(sim.Host.ResolvePath("/sys/bus/pci/devices/0000:01:00.0/driver")));
    }

    [Fact]
    public void Reboot_QatConfigReloaded_AutoDefinitionsRecreatedOnRegisteredParent()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        const string Defined = "11111111-2222-4333-8444-555555555555";
        const string NoRoomLeft = "99999999-2222-4333-8444-555555555555";
        sim.Host.WriteFile("/etc/4xxx_dev1.conf", sim.Host.ReadText("/etc/4xxx_dev1.conf").Replace("NumberAdis = 0", "NumberAdis = 2", StringComparison.Ordinal));
        sim.Host.WriteFile($"/etc/mdevctl.d/0000:70:00.0/{NoRoomLeft}", "{\"mdev_type\":\"4xxx-vqat_asym\",\"start\":\"auto\",\"attrs\":[]}");
        sim.Host.WriteFile($"/etc/mdevctl.d/0000:70:00.0/{Defined}", "{\"mdev_type\":\"4xxx-vqat_asym\",\"start\":\"auto\",\"attrs\":[]}");

        sim.Host.Reboot();

        Assert.Equal([Defined], sim.Host.ListDirectory("/sys/bus/mdev/devices"));
        Assert.Equal("/sys/devices/pci0000:70/0000:70:00.0/" + Defined, sim.Host.ResolvePath($"/sys/bus/mdev/devices/{Defined}"));
        Assert.Equal("0", sim.Read(Available("0000:70:00.0", "4xxx-vqat_asym")));
        Assert.Equal("1", sim.Read(Available("0000:70:00.0", "4xxx-vqat_dc")));
    }

    private static string ReadEmbedded(string file)
    {
        using var stream = typeof(SimulatedHost).Assembly.GetManifestResourceStream("HdIov.Engine.Simulation.Profiles." + file)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
