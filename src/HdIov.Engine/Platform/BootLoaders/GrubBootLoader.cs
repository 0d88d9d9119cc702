using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Platform.BootLoaders;

/// <summary>Debian and Ubuntu: <c>GRUB_CMDLINE_LINUX</c> in /etc/default/grub (every entry), then update-grub regenerates grub.cfg.</summary>
internal sealed class GrubBootLoader : BootLoader
{
    public override BootLoaderKind Kind => BootLoaderKind.Grub;

    public override string Source => "GRUB_CMDLINE_LINUX in /etc/default/grub";

    public override string Action => "run update-grub";

    public override bool IsPresent(IHost host) => host.Exists(KernelPaths.GrubDefaults);

    public override string? ReadCommandLine(IHost host, string kernelRelease) =>
        TryRead(host, KernelPaths.GrubDefaults) is { } text ? GrubDefaults.CommandLine(text) : null;

    public override void Apply(IHost host, SetBootArguments change, CancellationToken cancellationToken)
    {
        var text = host.ReadText(KernelPaths.GrubDefaults);
        var rewritten = GrubDefaults.WithCommandLine(text, change.After);
        if (rewritten != text)
        {
            host.WriteFile(KernelPaths.GrubDefaults, rewritten);
        }

        Run(host, "update-grub", [], "run update-grub (or grub-mkconfig -o /boot/grub/grub.cfg) by hand and read its error; /etc/default/grub already holds the new arguments", cancellationToken);
    }
}
