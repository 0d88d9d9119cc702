using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>
/// A way of configuring the kernel command line: where the configured arguments are read, and the tool that changes
/// them. <see cref="Detect"/> picks the one a host uses; the planner merges arguments into what it reads, and the
/// executor hands the result to <see cref="Apply"/>.
/// </summary>
internal abstract class BootLoader
{
    public abstract BootLoaderKind Kind { get; }

    /// <summary>Where the configured command line lives, for messages.</summary>
    public abstract string Source { get; }

    /// <summary>What applying a change runs, for plan lines ("run update-grub").</summary>
    public abstract string Action { get; }

    /// <summary>
    /// The boot loaders in the order they are tried: a host with BLS entries and grubby is changed through grubby
    /// even though it also has /etc/default/grub (grub2-mkconfig no longer copies that into BLS entries); one with
    /// /etc/kernel/cmdline and kernel-install through kernel-install; Debian's GRUB last.
    /// </summary>
    public static IReadOnlyList<BootLoader> All { get; } = [new GrubbyBootLoader(), new KernelInstallBootLoader(), new GrubBootLoader()];

    public static BootLoader? For(BootLoaderKind kind) => All.FirstOrDefault(l => l.Kind == kind);

    /// <summary>The boot loader this host uses, with its configured command line; <see cref="BootLoaderKind.None"/> and null when no known one is there.</summary>
    public static (BootLoaderKind Kind, string? CommandLine) Detect(IHost host, string kernelRelease)
    {
        foreach (var loader in All)
        {
            if (loader.IsPresent(host) && loader.ReadCommandLine(host, kernelRelease) is { } commandLine)
            {
                return (loader.Kind, commandLine);
            }
        }

        return (BootLoaderKind.None, null);
    }

    public abstract bool IsPresent(IHost host);

    /// <summary>The arguments the next boot of <paramref name="kernelRelease"/> gets from this boot loader's configuration, or null when it has none.</summary>
    public abstract string? ReadCommandLine(IHost host, string kernelRelease);

    /// <summary>Changes the configured command line from <see cref="SetBootArguments.Before"/> to <see cref="SetBootArguments.After"/>.</summary>
    public abstract void Apply(IHost host, SetBootArguments change, CancellationToken cancellationToken);

    protected static string? TryRead(IHost host, string path)
    {
        try
        {
            return host.Exists(path) ? host.ReadText(path) : null;
        }
        catch (HostIoException error) when (error.Errno is Interop.Errno.ENOENT or Interop.Errno.ENOTDIR or Interop.Errno.EISDIR)
        {
            return null;
        }
    }

    protected static string? FirstExisting(IHost host, IEnumerable<string> paths) => paths.FirstOrDefault(host.Exists);

    protected static void Run(IHost host, string program, IReadOnlyList<string> arguments, string fix, CancellationToken cancellationToken)
    {
        var result = host.Run(program, arguments, cancellationToken);
        if (!result.Succeeded)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.CommandFailed,
                DiagnosticSeverity.Error,
                $"{program} {string.Join(' ', arguments)} failed with exit code {result.ExitCode}: {result.StandardError.Trim()}",
                fix));
        }
    }
}
