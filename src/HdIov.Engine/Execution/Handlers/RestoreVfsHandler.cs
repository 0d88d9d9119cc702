using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>
/// Puts a PF's VF count back (through 0, with <c>sriov_drivers_autoprobe</c> as recorded), then each recorded VF's
/// <c>driver_override</c> and driver: unbound from the driver it has now and bound to the recorded one.
/// </summary>
internal static class RestoreVfsHandler
{
    public static void Execute(IHost host, RestoreVfs operation)
    {
        var numVfs = KernelPaths.PciAttribute(operation.Pf, "sriov_numvfs");
        var current = int.Parse(host.ReadText(numVfs).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (current != operation.To)
        {
            if (current > 0)
            {
                host.WriteAttribute(numVfs, "0");
            }

            var autoprobe = KernelPaths.PciAttribute(operation.Pf, "sriov_drivers_autoprobe");
            if (operation.DriversAutoprobe is { } wanted && host.Exists(autoprobe) && host.ReadText(autoprobe).Trim() != wanted)
            {
                host.WriteAttribute(autoprobe, wanted);
            }

            if (operation.To > 0)
            {
                host.WriteAttribute(numVfs, operation.To.ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var vf in operation.Drivers)
        {
            var device = HostPath.Combine(KernelPaths.PciDevices, vf.Address);
            if (!host.Exists(device))
            {
                continue;
            }

            if (VfDrivers.Override(host, device) != vf.Override)
            {
                host.WriteAttribute(HostPath.Combine(device, "driver_override"), vf.Override ?? "\n");
            }

            var bound = VfDrivers.Current(host, device);
            if (bound == vf.Driver)
            {
                continue;
            }

            if (bound is not null)
            {
                host.WriteAttribute(HostPath.Combine(HostPath.Combine(KernelPaths.PciDrivers, bound), "unbind"), vf.Address);
            }

            if (vf.Driver is null)
            {
                continue;
            }

            host.WriteAttribute(HostPath.Combine(HostPath.Combine(KernelPaths.PciDrivers, vf.Driver), "bind"), vf.Address);
            if (VfDrivers.Current(host, device) != vf.Driver)
            {
                throw new HdIovException(new Diagnostic(
                    DiagnosticCodes.DriverMissing,
                    DiagnosticSeverity.Error,
                    $"{vf.Address} was not bound back to {vf.Driver} (now: {VfDrivers.Current(host, device) ?? "no driver"})",
                    $"load the driver (modprobe {vf.Driver}) and apply again"));
            }
        }
    }
}
