using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Writes a node's <c>nr_hugepages</c> and reads it back: the kernel may allocate fewer than asked.</summary>
internal static class SetHugepagesHandler
{
    public static void Execute(IHost host, SetHugepages operation)
    {
        var path = HostPath.Combine(
            HostPath.Combine(
                HostPath.Combine(HostPath.Combine(KernelPaths.NumaNodes, string.Create(CultureInfo.InvariantCulture, $"node{operation.Node}")), "hugepages"),
                string.Create(CultureInfo.InvariantCulture, $"hugepages-{operation.SizeKiB}kB")),
            "nr_hugepages");
        host.WriteAttribute(path, operation.To.ToString(CultureInfo.InvariantCulture));
        var got = host.ReadText(path).Trim();
        if (got != operation.To.ToString(CultureInfo.InvariantCulture))
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.CapacityExceeded,
                DiagnosticSeverity.Error,
                $"node{operation.Node} has {got} hugepages of {operation.SizeKiB} kB after asking for {operation.To}: memory is too fragmented or too small",
                "reserve them at boot (hugepagesz=/hugepages= kernel arguments) or lower perNode"));
        }
    }
}
