using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>
/// Give a released QAT PF its configuration back as the ledger recorded it before the engine first rewrote it, and
/// restart the device as configuring it does (its VDEV types go with the configuration that enabled them).
/// <see cref="Original"/> null: the engine created the file, so it is deleted and the device is not restarted.
/// </summary>
public sealed record RestoreQatConfiguration(PciAddress Pf, int DeviceIndex, string ConfigPath, string? Original) : ConfigureDevice
{
    public override PciAddress ConfiguredPf => Pf;

    public override string Describe()
    {
        if (Original is null)
        {
            return $"delete {ConfigPath}: HdIov created it";
        }

        var original = QatConfigParser.Parse(DeviceIndex, ConfigPath, Original);
        return $"restore QAT {Pf} as it was before HdIov changed it: services {string.Join(';', original.Services)}, NumberAdis {original.NumberAdis}, restart {QatSiovBackend.DeviceName(DeviceIndex)}";
    }

    /// <summary>
    /// Writes the recorded text back when the file differs from it only in the two keys the engine sets; a file edited
    /// in other places since keeps those edits and gets the recorded services and ADI count.
    /// </summary>
    internal override void Apply(IHost host, CancellationToken cancellationToken)
    {
        if (Original is null)
        {
            if (host.Exists(ConfigPath))
            {
                host.DeleteFile(ConfigPath);
            }

            return;
        }

        var current = host.Exists(ConfigPath) ? host.ReadText(ConfigPath) : string.Empty;
        var original = QatConfigParser.Parse(DeviceIndex, ConfigPath, Original);
        var restored = QatSiovBackend.RewriteConfig(current, original.Services, original.NumberAdis);
        if (restored == QatSiovBackend.RewriteConfig(Original, original.Services, original.NumberAdis))
        {
            restored = Original;
        }

        if (restored != current)
        {
            host.WriteFile(ConfigPath, restored);
        }

        new ConfigureQat(Pf, DeviceIndex, ConfigPath, original.Services, original.NumberAdis).Restart(host, cancellationToken);
    }

    internal override (DriftKind Kind, string Reason) Attribute(HostState state) =>
        (DriftKind.Declared, "the device entry releases this QAT PF: its configuration goes back to what it was before HdIov changed it");
}
