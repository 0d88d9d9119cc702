using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Binds a VF the way the kernel documents it: set <c>driver_override</c>, unbind from the current driver, and
/// ask <c>drivers_probe</c> to bind again; then checks which driver took it.
/// </summary>
internal static class BindVfDriverHandler
{
    public static void Execute(IHost host, BindVfDriver operation)
    {
        var device = KernelPaths.PciDevice(operation.Vf);
        var driverLink = HostPath.Combine(device, "driver");
        if (CurrentDriver(host, driverLink) == operation.Driver)
        {
            return;
        }

        host.WriteAttribute(HostPath.Combine(device, "driver_override"), operation.Driver);
        if (host.ReadLink(driverLink) is not null)
        {
            host.WriteAttribute(HostPath.Combine(driverLink, "unbind"), operation.Vf.ToString());
        }

        host.WriteAttribute(KernelPaths.PciDriversProbe, operation.Vf.ToString());
        var bound = CurrentDriver(host, driverLink);
        if (bound != operation.Driver)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.DriverMissing,
                DiagnosticSeverity.Error,
                $"{operation.Vf} was not bound to {operation.Driver} (now: {bound ?? "no driver"})",
                $"load the driver first (modprobe {operation.Driver}) and apply again"));
        }
    }

    private static string? CurrentDriver(IHost host, string driverLink) =>
        host.ReadLink(driverLink) is { } target ? target.TrimEnd('/').Split('/')[^1] : null;
}
