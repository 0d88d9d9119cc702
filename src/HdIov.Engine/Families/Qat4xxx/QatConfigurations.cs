using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>The QAT device configs the host has (<c>/etc/4xxx_dev&lt;N&gt;.conf</c>), in device-index order.</summary>
internal sealed record QatConfigurations(ImmutableArray<QatDeviceConfig> Devices) : FamilyConfiguration
{
    public override IEnumerable<(string Path, string Text)> Files => Devices.Select(d => (d.Path, d.Text));

    public override string Family => QatFamily.FamilyName;

    /// <summary>Reads every <c>/etc/4xxx_dev&lt;N&gt;.conf</c>; a file that does not parse is a finding and left out.</summary>
    public static QatConfigurations Read(SysfsReader sysfs, List<ReadinessFinding> problems)
    {
        var files = new List<(string Path, string Text)>();
        foreach (var name in sysfs.Host.ListDirectory("/etc"))
        {
            var path = HostPath.Combine("/etc", name);
            if (QatConfigParser.IndexOf(name) is not null && sysfs.TryReadText(path) is { } text)
            {
                files.Add((path, text));
            }
        }

        return Parse(files, problems);
    }

    public static QatConfigurations Parse(IEnumerable<(string Path, string Text)> files, List<ReadinessFinding> problems)
    {
        var configs = ImmutableArray.CreateBuilder<QatDeviceConfig>();
        foreach (var (path, text) in files)
        {
            if (QatConfigParser.IndexOf(System.IO.Path.GetFileName(path)) is not { } index)
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
