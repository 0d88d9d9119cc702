using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>Configuration files under <c>/etc</c> and <c>/var</c>: mdevctl definitions and the ledger.</summary>
internal static class ConfigFileReader
{
    /// <summary>mdevctl's definitions; with <paramref name="only"/>, those of these parents only.</summary>
    public static ImmutableArray<MdevctlDefinition> ReadMdevctlDefinitions(SysfsReader sysfs, List<ReadinessFinding> problems, IReadOnlySet<string>? only = null)
    {
        var definitions = ImmutableArray.CreateBuilder<MdevctlDefinition>();
        foreach (var parent in sysfs.Host.ListDirectory(MdevctlDefinitionFormat.Directory))
        {
            var parentDirectory = HostPath.Combine(MdevctlDefinitionFormat.Directory, parent);
            // scripts.d is mdevctl's old callout location, not a parent device.
            if (parent == "scripts.d" || (only is not null && !only.Contains(parent)) || !sysfs.Host.IsDirectory(parentDirectory))
            {
                continue;
            }

            foreach (var file in sysfs.Host.ListDirectory(parentDirectory))
            {
                var path = HostPath.Combine(parentDirectory, file);
                if (!Guid.TryParseExact(file, "D", out var uuid))
                {
                    problems.Add(Invalid(path, "the file name is not a UUID, so mdevctl ignores it"));
                    continue;
                }

                if (sysfs.TryReadText(path) is not { } json)
                {
                    continue;
                }

                try
                {
                    definitions.Add(MdevctlDefinitionFormat.Parse(uuid, parent, json));
                }
                catch (FormatException error)
                {
                    problems.Add(Invalid(path, error.Message));
                }
            }
        }

        return definitions.ToImmutable();
    }

    public static OwnershipLedger ReadLedger(SysfsReader sysfs)
    {
        try
        {
            return LedgerFile.Read(sysfs.Host);
        }
        catch (LedgerFormatException error)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.LedgerInvalid,
                DiagnosticSeverity.Error,
                error.Message,
                $"restore {OwnershipLedger.Path} from a backup, or delete it to make the engine forget what it owns (it then treats every VDEV and VF as unowned)"));
        }
    }

    private static ReadinessFinding Invalid(string path, string reason) =>
        new(
            DiagnosticCodes.ReadinessMdevctlDefinition,
            ReadinessLevel.Warning,
            path,
            $"mdevctl definition skipped: {reason}",
            "fix or remove the file (mdevctl undefine), or let the engine rewrite it; the format is {\"mdev_type\": \"...\", \"start\": \"auto\", \"attrs\": []}");
}
