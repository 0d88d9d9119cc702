using System.Collections;
using System.Management.Automation;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Session;
using HdIov.PowerShell.Commands;

namespace HdIov.PowerShell.Completers;

/// <summary>What the host-reading completers share: the host the command line names, observed once, and the typed prefix.</summary>
internal static class HostCompletion
{
    /// <summary>
    /// The host the command names (its -HostRoot, else $env:HDIOV_HOST_ROOT, else /), observed; null when there is no
    /// readable host there, so completion offers nothing instead of failing.
    /// </summary>
    public static HostState? Observe(IDictionary? fakeBoundParameters)
    {
        var root = fakeBoundParameters?["HostRoot"] as string;
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetEnvironmentVariable(HdIovCmdletBase.HostRootVariable);
        }

        try
        {
            using var session = HostSession.Open(Path.GetFullPath(string.IsNullOrEmpty(root) ? "/" : root));
            return session.Observe();
        }
        catch (Exception unreadable) when (unreadable is ArgumentException or IOException or UnauthorizedAccessException or HostIoException)
        {
            return null;
        }
    }

    /// <summary>The word typed so far as a prefix pattern, without the quotes the user may have opened.</summary>
    public static WildcardPattern PrefixPattern(string? wordToComplete) =>
        WildcardPattern.Get(WildcardPattern.Escape((wordToComplete ?? string.Empty).Trim('\'', '"')) + "*", WildcardOptions.IgnoreCase);

    /// <summary>Quotes a completion when PowerShell would otherwise split it or read it as something else.</summary>
    public static string Quote(string value) =>
        value.IndexOfAny([' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',', '@', '#']) >= 0
            ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'"
            : value;
}
