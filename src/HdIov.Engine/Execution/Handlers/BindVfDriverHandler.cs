using HdIov.Engine.Diagnostics;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
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

        if (host.ReadLink(HostPath.Combine(device, "physfn")) is { } pfPath && PciAddress.TryParse(pfPath.TrimEnd('/').Split('/')[^1], out var pf))
        {
            Baselines.RecordVirtualFunctions(host, pf);
        }

        host.WriteAttribute(HostPath.Combine(device, "driver_override"), operation.Driver);
        if (CurrentDriver(host, driverLink) is { } current)
        {
            Unbind(host, current, operation.Vf, driverLink);
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

    /// <summary>
    /// Unbinds through the driver's own directory. A driver may let go of a VF by itself between the look and the
    /// write (nvme binds a VF, then releases it when the controller fails to come up): the kernel then answers
    /// ENODEV, and a VF bound to nothing is what unbinding was for.
    /// </summary>
    private static void Unbind(IHost host, string driver, PciAddress vf, string driverLink)
    {
        try
        {
            host.WriteAttribute(HostPath.Combine(HostPath.Combine(KernelPaths.PciDrivers, driver), "unbind"), vf.ToString());
        }
        catch (HostIoException error) when (error.Errno is Errno.ENODEV or Errno.ENOENT && host.ReadLink(driverLink) is null)
        {
        }
    }

    private static string? CurrentDriver(IHost host, string driverLink) =>
        host.ReadLink(driverLink) is { } target ? target.TrimEnd('/').Split('/')[^1] : null;
}
