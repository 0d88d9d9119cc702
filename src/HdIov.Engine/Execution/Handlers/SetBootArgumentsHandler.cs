using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Rewrites GRUB_CMDLINE_LINUX in /etc/default/grub and regenerates grub.cfg with update-grub.</summary>
internal static class SetBootArgumentsHandler
{
    public static void Execute(IHost host, SetBootArguments operation, CancellationToken cancellationToken)
    {
        var text = host.ReadText(KernelPaths.GrubDefaults);
        var rewritten = GrubDefaults.WithCommandLine(text, operation.After);
        if (rewritten != text)
        {
            host.WriteFile(KernelPaths.GrubDefaults, rewritten);
        }

        var result = host.Run("update-grub", [], cancellationToken);
        if (!result.Succeeded)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.CommandFailed,
                DiagnosticSeverity.Error,
                $"update-grub failed with exit code {result.ExitCode}: {result.StandardError.Trim()}",
                "run update-grub (or grub-mkconfig -o /boot/grub/grub.cfg) by hand and read its error; /etc/default/grub already holds the new arguments"));
        }
    }
}
