using System.Globalization;

namespace HdIov.KernelLab.Probe;

/// <summary>
/// The commands of the lab's probe:
/// <c>vfio &lt;group&gt;</c> prints what the VFIO ioctls say about <c>/dev/vfio/&lt;group&gt;</c>;
/// <c>apply-stall &lt;spec&gt; &lt;k&gt;</c> converges the host at <c>/</c> to the spec and stops dead after the k-th
/// mdev create, printing <c>stalled</c>, so the caller can kill the process there.
/// </summary>
internal static class LabProbeCommand
{
    public static int Run(string[] args)
    {
        try
        {
            return args switch
            {
                ["vfio", var group] => VfioReport.Print(int.Parse(group, NumberStyles.None, CultureInfo.InvariantCulture)),
                ["apply-stall", var spec, var creates] => StallingApply.Run(spec, int.Parse(creates, NumberStyles.None, CultureInfo.InvariantCulture)),
                _ => Usage(),
            };
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: LabProbe vfio <group> | LabProbe apply-stall <spec.yaml> <creates before stalling>");
        return 2;
    }
}
