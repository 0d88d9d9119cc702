using HdIov.Engine.Tests.Simulation;
using static HdIov.Engine.Tests.Simulation.SimulatedHostScope;

namespace HdIov.Engine.Tests.Fidelity;

/// <summary>
/// The real mdevctl lists what the kernel model created and what was persisted in mdevctl's format. It runs
/// in a private mount namespace with the simulated /sys and /etc/mdevctl.d bind-mounted over the real ones.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class MdevctlFidelityTests
{
    private const string Asym = "3b2f6c1e-9f0a-4c55-8e21-6f0b1a2c3d4e";
    private const string Dc = "7d1e2f30-4a5b-4c6d-8e9f-a0b1c2d3e4f5";
    private const string DefinedOnly = "c0ffee00-1234-4abc-9def-0123456789ab";

    [Fact]
    public void MdevctlList_ShowsCreatedQatMdevs_AndListDefinedShowsPersistedDefinitions()
    {
        using var sim = new SimulatedHostScope("spr-qat-e810");
        Assert.Equal(0, sim.ConfigureQat(0, adis: 16).ExitCode);
        Assert.Equal(0, sim.ConfigureQat(7, adis: 4, services: "dc").ExitCode);
        sim.Host.WriteAttribute(TypeCreate("0000:6b:00.0", "4xxx-vqat_asym"), Asym);
        sim.Host.WriteAttribute(TypeCreate("0000:f7:00.0", "4xxx-vqat_dc"), Dc);
        sim.Host.WriteFile($"/etc/mdevctl.d/0000:6b:00.0/{Asym}", "{\"mdev_type\":\"4xxx-vqat_asym\",\"start\":\"auto\",\"attrs\":[]}");
        sim.Host.WriteFile($"/etc/mdevctl.d/0000:f7:00.0/{DefinedOnly}", "{\"mdev_type\":\"4xxx-vqat_dc\",\"start\":\"manual\",\"attrs\":[]}");

        var active = Mdevctl(sim.Root, "list");
        var defined = Mdevctl(sim.Root, "list --defined");

        Assert.Equal(
            [$"{Asym} 0000:6b:00.0 4xxx-vqat_asym auto (defined)", $"{Dc} 0000:f7:00.0 4xxx-vqat_dc manual"],
            Lines(active));
        Assert.Equal(
            [$"{Asym} 0000:6b:00.0 4xxx-vqat_asym auto (active)", $"{DefinedOnly} 0000:f7:00.0 4xxx-vqat_dc manual"],
            Lines(defined));
    }

    [Fact]
    public void MdevctlTypes_MttyParent_ShowsTheModelsAvailableInstances()
    {
        using var sim = new SimulatedHostScope("mtty-lab");
        sim.Host.WriteAttribute(TypeCreate("mtty", "mtty-2"), Dc);

        var types = Mdevctl(sim.Root, "types");
        var active = Mdevctl(sim.Root, "list");

        Assert.Contains("mtty-1\n    Available instances: 22\n    Device API: vfio-pci\n    Name: Single port serial", types, StringComparison.Ordinal);
        Assert.Contains("mtty-2\n    Available instances: 11\n    Device API: vfio-pci\n    Name: Dual port serial", types, StringComparison.Ordinal);
        Assert.Equal([$"{Dc} mtty mtty-2 manual"], Lines(active));
    }

    private static List<string> Lines(string text) => MdevctlTool.Lines(text);

    private static string Mdevctl(string root, string arguments) => MdevctlTool.Run(root, arguments);
}
