using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// VFs declared with a driver are created with autoprobe off, so the PF's default VF driver never binds them
/// first: on the real kernel nvme binds a QEMU VF and releases it later from a work item, unbinding vfio-pci.
/// </summary>
[Trait("Category", "Execution")]
public sealed class VfProbeTests
{
    private static readonly PciAddress VfPf = PciAddress.Parse("0000:f7:00.0");

    [Fact]
    public void Converge_VfsWithADeclaredDriver_AreNeverBoundToTheDefaultDriverFirst()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var recording = new RecordingHost(sim.Host);

        var result = new Executor(recording).Apply(Planner.Plan(Specs.SprQatE810(), new HostObserver(sim.Host).Observe()));

        Assert.True(result.Converged);
        var autoprobe = KernelPaths.PciAttribute(VfPf, "sriov_drivers_autoprobe");
        var numVfs = KernelPaths.PciAttribute(VfPf, "sriov_numvfs");
        var pfWrites = recording.Writes.Where(w => w.Path == autoprobe || w.Path == numVfs).ToArray();
        Assert.Equal([(autoprobe, "0"), (numVfs, "16"), (autoprobe, "1")], pfWrites);
        Assert.DoesNotContain(recording.Writes, w => w.Path.EndsWith("/unbind", StringComparison.Ordinal));
        Assert.Equal("1", sim.Host.ReadText(autoprobe).Trim());
        var state = new HostObserver(sim.Host).Observe();
        Assert.All(state.FindFunction(VfPf)!.Sriov!.VirtualFunctions, vf => Assert.Equal("vfio-pci", state.FindFunction(vf)!.Driver));
    }

    [Fact]
    public void Converge_AutoprobeAlreadyOff_IsLeftOff()
    {
        using var sim = TemporarySimulatedHost.Create("spr-qat-e810");
        var autoprobe = KernelPaths.PciAttribute(VfPf, "sriov_drivers_autoprobe");
        sim.Host.WriteAttribute(autoprobe, "0");
        var recording = new RecordingHost(sim.Host);

        var result = new Executor(recording).Apply(Planner.Plan(Specs.SprQatE810(), new HostObserver(sim.Host).Observe()));

        Assert.True(result.Converged);
        Assert.DoesNotContain(recording.Writes, w => w.Path == autoprobe);
        Assert.Equal("0", sim.Host.ReadText(autoprobe).Trim());
    }

    private sealed class RecordingHost(IHost inner) : DelegatingHost(inner)
    {
        public List<(string Path, string Value)> Writes { get; } = [];

        public override void WriteAttribute(string path, string value)
        {
            Writes.Add((path, value));
            Inner.WriteAttribute(path, value);
        }
    }
}
