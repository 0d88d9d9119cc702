using System.Management.Automation;
using System.Management.Automation.Host;

namespace HdIov.PowerShell.Errors;

/// <summary>
/// Tells a ShouldContinue that could not ask from one that was answered: a non-interactive session throws
/// <see cref="PSInvalidOperationException"/>, and a host without a user interface throws a host exception or a
/// not-implemented exception from its prompt method. Each means "nobody can confirm".
/// </summary>
internal static class PromptUnavailable
{
    public static bool Is(Exception failure) =>
        failure is PSInvalidOperationException or HostException or NotImplementedException or PSNotImplementedException;
}
