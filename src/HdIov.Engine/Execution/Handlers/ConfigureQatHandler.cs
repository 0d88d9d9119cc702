using HdIov.Engine.Backends;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Rewrites the PF's QAT config (keeping everything else in it) and restarts that one device with <c>adf_ctl</c>.</summary>
internal static class ConfigureQatHandler
{
    public static void Execute(IHost host, ConfigureQat operation, CancellationToken cancellationToken)
    {
        var current = host.Exists(operation.ConfigPath) ? host.ReadText(operation.ConfigPath) : string.Empty;
        var rewritten = QatSiovBackend.RewriteConfig(current, operation.Services, operation.NumberAdis);
        if (rewritten != current)
        {
            host.WriteFile(operation.ConfigPath, rewritten);
        }

        var device = QatSiovBackend.DeviceName(operation.DeviceIndex);
        var result = host.Run("adf_ctl", [device, "restart"], cancellationToken);
        if (!result.Succeeded)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.CommandFailed,
                DiagnosticSeverity.Error,
                $"adf_ctl {device} restart failed with exit code {result.ExitCode}: {result.StandardError.Trim()}{result.StandardOutput.Trim()}",
                $"check {operation.ConfigPath} and the kernel log; 'adf_ctl {device} status' shows the device state"));
        }
    }
}
