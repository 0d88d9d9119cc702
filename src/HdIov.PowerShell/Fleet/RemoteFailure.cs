using HdIov.Engine.Diagnostics;
using HdIov.Engine.Fleet;

namespace HdIov.PowerShell.Fleet;

/// <summary>
/// A host that was reached but failed in a way its answer does not describe: an <see cref="HdIovException"/> with
/// <see cref="FleetDiagnosticCodes.HostNotConverged"/>, which a rollout counts as a failed host, as it counts the local
/// transport's.
/// </summary>
internal static class RemoteFailure
{
    public static HdIovException Of(string hostName, string message, string hint) =>
        new(new Diagnostic(FleetDiagnosticCodes.HostNotConverged, DiagnosticSeverity.Error, $"host '{hostName}': {message}", hint));
}
