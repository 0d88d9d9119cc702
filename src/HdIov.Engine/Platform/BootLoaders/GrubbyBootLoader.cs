using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>
/// RHEL-family hosts: GRUB reads each kernel's arguments from the <c>options</c> line of its BLS entry, and
/// <c>grubby --update-kernel=ALL --args=... --remove-args=...</c> edits every entry. The configured command line is
/// the entry of the running kernel. Kernels installed later take their arguments from /etc/kernel/cmdline and
/// <c>GRUB_CMDLINE_LINUX</c>, so the same edit is carried into those files where they exist.
/// </summary>
internal sealed class GrubbyBootLoader : BootLoader
{
    private static readonly string[] Programs = ["/usr/sbin/grubby", "/usr/bin/grubby", "/sbin/grubby"];

    public override BootLoaderKind Kind => BootLoaderKind.Grubby;

    public override string Source => $"the options line of the BLS entries in {BootEntry.Directory}";

    public override string Action => "run grubby --update-kernel=ALL";

    public override bool IsPresent(IHost host) => FirstExisting(host, Programs) is not null && Entries(host).Any();

    public override string? ReadCommandLine(IHost host, string kernelRelease)
    {
        var entries = Entries(host).ToList();
        var entry = entries.FirstOrDefault(e => e.Boots(kernelRelease)) ?? entries.FirstOrDefault();
        return entry is null ? null : CommandLineTokens.Normalize(entry.Options);
    }

    public override void Apply(IHost host, SetBootArguments change, CancellationToken cancellationToken)
    {
        var added = CommandLineTokens.Added(change.Before, change.After);
        var removed = CommandLineTokens.Removed(change.Before, change.After);
        var arguments = new List<string> { "--update-kernel=ALL" };
        if (added.Count > 0)
        {
            arguments.Add("--args=" + string.Join(' ', added));
        }

        if (removed.Count > 0)
        {
            arguments.Add("--remove-args=" + string.Join(' ', removed));
        }

        if (arguments.Count > 1)
        {
            Run(host, "grubby", arguments, "run the same grubby command by hand and read its error, then check the entries with grubby --info=ALL", cancellationToken);
        }

        if (TryRead(host, KernelInstallBootLoader.CommandLineFile) is { } cmdline)
        {
            var carried = CommandLineTokens.Carry(cmdline, change.Before, change.After);
            if (carried != CommandLineTokens.Normalize(cmdline))
            {
                host.WriteFile(KernelInstallBootLoader.CommandLineFile, carried + "\n");
            }
        }

        if (TryRead(host, KernelPaths.GrubDefaults) is { } grub && GrubDefaults.CommandLine(grub) is { } linux)
        {
            var carried = CommandLineTokens.Carry(linux, change.Before, change.After);
            if (carried != linux)
            {
                host.WriteFile(KernelPaths.GrubDefaults, GrubDefaults.WithCommandLine(grub, carried));
            }
        }
    }

    /// <summary>The entries in grubby's order (<c>ls -vr</c>: newest version first).</summary>
    private static IEnumerable<BootEntry> Entries(IHost host) =>
        host.ListDirectory(BootEntry.Directory)
            .Where(n => n.EndsWith(".conf", StringComparison.Ordinal) && HostPath.IsSafeSegment(n))
            .OrderByDescending(n => n, StringComparer.Ordinal)
            .Select(n => TryRead(host, $"{BootEntry.Directory}/{n}") is { } text ? BootEntry.Parse(n, text) : null)
            .OfType<BootEntry>();
}
