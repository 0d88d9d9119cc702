using HdIov.Engine.Simulation;

namespace HdIov.Engine.Tests.Testing;

/// <summary>A simulated host in a fresh temporary folder, deleted when the test ends.</summary>
public sealed class TemporarySimulatedHost : IDisposable
{
    private TemporarySimulatedHost(string root, SimulatedHost host)
    {
        Root = root;
        Host = host;
    }

    public string Root { get; }

    public SimulatedHost Host { get; }

    public static TemporarySimulatedHost Create(string profile)
    {
        var root = Path.Combine(Path.GetTempPath(), "hdiov-test-" + Guid.NewGuid().ToString("N")[..12]);
        return new TemporarySimulatedHost(root, SimulatedHost.Create(root, profile));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
