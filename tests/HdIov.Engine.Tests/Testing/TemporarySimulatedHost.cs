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
        var root = NewRoot();
        return new TemporarySimulatedHost(root, SimulatedHost.Create(root, profile));
    }

    /// <summary>A copy of another simulated host's tree (links kept as links), so a prepared host can be reused without rebuilding it.</summary>
    public static TemporarySimulatedHost CloneOf(string sourceRoot)
    {
        var root = NewRoot();
        CopyTree(new DirectoryInfo(sourceRoot), root);
        return new TemporarySimulatedHost(root, SimulatedHost.Open(root));
    }

    private static string NewRoot() => Path.Combine(Path.GetTempPath(), "hdiov-test-" + Guid.NewGuid().ToString("N")[..12]);

    private static void CopyTree(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(destination, link);
            }
            else if (entry is DirectoryInfo directory)
            {
                CopyTree(directory, destination);
            }
            else
            {
                File.Copy(entry.FullName, destination);
            }
        }
    }

    public void Dispose()
    {
        Host.Libvirtd.Stop();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
