using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>Finds the mdevctl udev rule in effect and the mdevctl executable its RUN commands name.</summary>
internal static class MdevctlAutostartReader
{
    private const string Executable = "/mdevctl";

    public static MdevctlAutostart? Read(SysfsReader sysfs)
    {
        foreach (var rulePath in KernelPaths.MdevctlUdevRules)
        {
            if (sysfs.TryReadText(rulePath) is not { } rule)
            {
                continue;
            }

            // udev applies the first file of a name in precedence order; an empty override (or a link to /dev/null)
            // turns the rule off, which leaves nothing to check.
            return CommandOf(rule) is { } command ? new MdevctlAutostart(rulePath, command, sysfs.Host.Exists(command)) : null;
        }

        return null;
    }

    private static string? CommandOf(string rule)
    {
        foreach (var line in rule.Split('\n'))
        {
            if (line.TrimStart().StartsWith('#') || !line.Contains("start-parent-mdevs", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var token in line.Split([' ', '\'', '"', '{', ';'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.StartsWith('/') && token.EndsWith(Executable, StringComparison.Ordinal))
                {
                    return token;
                }
            }
        }

        return null;
    }
}
