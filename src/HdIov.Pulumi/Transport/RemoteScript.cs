using System.Text;

namespace HdIov.Pulumi.Transport;

/// <summary>
/// The PowerShell a <see cref="SshHostEngine"/> runs on the host: import HdIov, hand the request (read from standard
/// input, so no secret is ever on a command line) to the engine's <c>SessionWire.Handle</c> on the session's host root,
/// and write the reply as one marked line, so nothing is read from display text.
/// </summary>
internal static class RemoteScript
{
    public const string ReplyMarker = "HDIOV-REPLY:";
    public const string NoModuleMarker = "HDIOV-NO-MODULE:";
    public const string VersionMarker = "HDIOV-MODULE-VERSION:";

    /// <summary>The host root is the session's <c>HDIOV_HOST_ROOT</c> (set by the host's SSH server, never sent by the provider), else <c>/</c>.</summary>
    public const string Text = $$"""
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        try { Import-Module HdIov }
        catch { [Console]::Out.WriteLine('{{NoModuleMarker}}' + $_.Exception.Message); exit 3 }
        [Console]::Out.WriteLine('{{VersionMarker}}' + (Get-Module HdIov).Version.ToString())
        # The engine loads into the module's private load context with the first command; its types are reached
        # through the loaded assembly, as PowerShell's type literals do not search that context.
        Get-HdIovSimulatedHostProfile | Out-Null
        $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
        $root = if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }
        $request = [Console]::In.ReadToEnd()
        $reply = $engine.GetType('HdIov.Engine.Session.SessionWire', $true)::Handle($root, $request, [System.Threading.CancellationToken]::None)
        [Console]::Out.WriteLine('{{ReplyMarker}}' + $reply)
        """;

    /// <summary>The command ssh asks the host's shell to run.</summary>
    public static string Command { get; } =
        "pwsh -NoLogo -NoProfile -NonInteractive -EncodedCommand " + Convert.ToBase64String(Encoding.Unicode.GetBytes(Text));
}
