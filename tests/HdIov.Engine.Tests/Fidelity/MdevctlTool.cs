namespace HdIov.Engine.Tests.Fidelity;

/// <summary>
/// The real mdevctl, run in a private mount namespace with a simulated host's /sys and /etc/mdevctl.d
/// bind-mounted over the real ones.
/// </summary>
internal static class MdevctlTool
{
    public static string Run(string root, string arguments)
    {
        ExternalTool.Require("mdevctl", "mdevctl");
        var unshare = ExternalTool.Require("unshare", "util-linux");
        var script =
            "set -e; mount --make-rprivate /; "
            + $"mount --bind '{root}/sys' /sys; "
            + "mkdir -p /etc/mdevctl.d; "
            + $"mount --bind '{root}/etc/mdevctl.d' /etc/mdevctl.d; "
            + $"exec mdevctl {arguments}";
        var (exitCode, output, error) = ExternalTool.Run(unshare, "-m", "sh", "-c", script);
        Assert.True(exitCode == 0, $"mdevctl {arguments} in a private mount namespace failed ({exitCode}): {error} (needs root for unshare -m and bind mounts)");
        return output;
    }

    /// <summary>The output's non-empty lines, trimmed and in ordinal order.</summary>
    public static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
}
