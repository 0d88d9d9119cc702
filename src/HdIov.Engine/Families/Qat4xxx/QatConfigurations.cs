using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>The QAT device configs the host has (<c>/etc/4xxx_dev&lt;N&gt;.conf</c>), in device-index order.</summary>
internal sealed record QatConfigurations(ImmutableArray<QatDeviceConfig> Devices) : FamilyConfiguration
{
    public override IEnumerable<(string Path, string Text)> Files => Devices.Select(d => (d.Path, d.Text));

    public static QatConfigurations Read(SysfsReader sysfs, List<ReadinessFinding> problems)
    {
        var configs = ImmutableArray.CreateBuilder<QatDeviceConfig>();
        foreach (var name in sysfs.Host.ListDirectory("/etc"))
        {
            if (QatConfigParser.IndexOf(name) is not { } index)
            {
                continue;
            }

            var path = HostPath.Combine("/etc", name);
            if (sysfs.TryReadText(path) is not { } text)
            {
                continue;
            }

            try
            {
                configs.Add(QatConfigParser.Parse(index, path, text));
            }
            catch (FormatException error)
            {
                problems.Add(new ReadinessFinding(
                    DiagnosticCodes.ReadinessQatConfig,
                    ReadinessLevel.Warning,
                    path,
                    error.Message,
                    "correct the file (sections in [brackets], Key = Value lines, # comments) or let the engine rewrite it"));
            }
        }

        return new QatConfigurations([.. configs.OrderBy(c => c.Index)]);
    }
}
