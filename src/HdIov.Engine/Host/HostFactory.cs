using HdIov.Engine.Simulation;

namespace HdIov.Engine.Host;

/// <summary>Opens the host a root stands for: the machine itself for <c>/</c>, a simulated host for a folder made by <see cref="SimulatedHost.Create"/>.</summary>
public static class HostFactory
{
    public static IHost Open(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (full == "/")
        {
            return new LinuxHost("/");
        }

        return SimulatedHost.IsSimulatedRoot(full)
            ? SimulatedHost.Open(full)
            : throw new ArgumentException(
                $"{full} is neither / (this machine) nor a simulated host (no .hdiov-sim/state.json). "
                + "Create a simulated host there with New-HdIovSimulatedHost -Path <folder> -Profile spr-qat-e810, or use / for this machine.",
                nameof(root));
    }
}
