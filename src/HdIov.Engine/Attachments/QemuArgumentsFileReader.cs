using System.Collections.Immutable;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;

namespace HdIov.Engine.Attachments;

/// <summary>
/// Reads QEMU arguments files into <see cref="HostState.QemuArgumentsFiles"/>: the host observer reads those the ledger
/// records; a session observing the host for a spec adds those its <c>qemu:</c> attachments name, so a plan sees a
/// file in the way before it writes one.
/// </summary>
public static class QemuArgumentsFileReader
{
    /// <summary>Each path's text, or null when nothing is there; what exists but cannot be read as a file counts as an empty file.</summary>
    public static ImmutableSortedDictionary<string, string?> Read(IHost host, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(paths);
        var files = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!files.ContainsKey(path) && QemuArgumentsFile.PathProblem(path) is null)
            {
                files.Add(path, ReadOne(host, path));
            }
        }

        return files.ToImmutable();
    }

    /// <summary>The state with the arguments files <paramref name="spec"/> names added to those already read.</summary>
    public static HostState Observe(HostState state, HostSpec spec, IHost host)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(spec);
        var missing = spec.Attachments
            .Select(a => a.Qemu?.ArgumentsFile)
            .OfType<string>()
            .Where(p => !state.QemuArgumentsFiles.ContainsKey(p));
        return state with { QemuArgumentsFiles = state.QemuArgumentsFiles.AddRange(Read(host, missing)) };
    }

    private static string? ReadOne(IHost host, string path)
    {
        try
        {
            return host.TryReadText(path);
        }
        catch (HostIoException)
        {
            // A folder or an unreadable file stands where the file belongs.
            return string.Empty;
        }
    }
}
