using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>
/// systemd-boot and UKI hosts: /etc/kernel/cmdline is the command line, and <c>kernel-install add &lt;version&gt;
/// &lt;image&gt;</c> writes it into the running kernel's boot entry (or image). The engine rewrites the file and
/// reinstalls the running kernel; other installed kernels get the arguments when they are next installed.
/// </summary>
internal sealed class KernelInstallBootLoader : BootLoader
{
    public const string CommandLineFile = "/etc/kernel/cmdline";

    private static readonly string[] Programs = ["/usr/bin/kernel-install", "/bin/kernel-install"];

    public override BootLoaderKind Kind => BootLoaderKind.KernelInstall;

    public override string Source => CommandLineFile;

    public override string Action => "run kernel-install add";

    public override bool IsPresent(IHost host) => FirstExisting(host, Programs) is not null && host.Exists(CommandLineFile);

    public override string? ReadCommandLine(IHost host, string kernelRelease) =>
        TryRead(host, CommandLineFile) is { } text ? CommandLineTokens.Normalize(text) : null;

    public override void Apply(IHost host, SetBootArguments change, CancellationToken cancellationToken)
    {
        var release = host.KernelRelease.Release;
        var image = HostPath.IsSafeSegment(release)
            ? FirstExisting(host, [$"/usr/lib/modules/{release}/vmlinuz", $"/lib/modules/{release}/vmlinuz", $"/boot/vmlinuz-{release}"])
            : null;
        if (image is null)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.CommandFailed,
                DiagnosticSeverity.Error,
                $"no kernel image for the running kernel {HostPath.Printable(release)} (looked for /usr/lib/modules/<version>/vmlinuz and /boot/vmlinuz-<version>); nothing was changed",
                "reinstall the running kernel's package, or add the arguments to /etc/kernel/cmdline and run kernel-install add by hand"));
        }

        host.WriteFile(CommandLineFile, change.After + "\n");
        Run(host, "kernel-install", ["add", release, image], $"run kernel-install add {release} {image} by hand and read its error; {CommandLineFile} already holds the new arguments", cancellationToken);
    }
}
