using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Hardware.Pci;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Families.Qat4xxx;

/// <summary>Rewrite a QAT PF's services and ADI count and restart that device, which re-registers its mdev parent.</summary>
public sealed record ConfigureQat(PciAddress Pf, int DeviceIndex, string ConfigPath, IReadOnlyList<string> Services, int NumberAdis) : ConfigureDevice
{
    public override PciAddress ConfiguredPf => Pf;

    public override string? ConfigurationFile => ConfigPath;

    public override string Describe() => $"configure QAT {Pf}: services {string.Join(';', Services)}, NumberAdis {NumberAdis}, restart {QatSiovBackend.DeviceName(DeviceIndex)}";

    /// <summary>Rewrites the PF's config (keeping everything else in it) and restarts that one device with <c>adf_ctl</c>.</summary>
    internal override void Apply(IHost host, CancellationToken cancellationToken)
    {
        var current = host.Exists(ConfigPath) ? host.ReadText(ConfigPath) : string.Empty;
        var rewritten = QatSiovBackend.RewriteConfig(current, Services, NumberAdis);
        if (rewritten != current)
        {
            host.WriteFile(ConfigPath, rewritten);
        }

        Restart(host, cancellationToken);
    }

    /// <summary>Restarts the PF's device with <c>adf_ctl</c>, which applies its config and re-registers its mdev parent.</summary>
    internal void Restart(IHost host, CancellationToken cancellationToken)
    {
        var device = QatSiovBackend.DeviceName(DeviceIndex);
        var result = host.Run("adf_ctl", [device, "restart"], cancellationToken);
        if (!result.Succeeded)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.CommandFailed,
                DiagnosticSeverity.Error,
                $"adf_ctl {device} restart failed with exit code {result.ExitCode}: {result.StandardError.Trim()}{result.StandardOutput.Trim()}",
                $"check {ConfigPath} and the kernel log; 'adf_ctl {device} status' shows the device state"));
        }
    }

    internal override (DriftKind Kind, string Reason) Attribute(HostState state)
    {
        var pf = state.FindFunction(Pf);
        var config = pf is null ? null : QatFamily.ConfigOf(state, pf).Config;
        if (config is null || NumberAdis == 0)
        {
            return (DriftKind.Declared, "the spec puts this QAT PF in SR-IOV mode");
        }

        if (pf!.Sriov is { NumVfs: > 0 })
        {
            return state.Ledger.OwnsVirtualFunctions(Pf.ToString())
                ? (DriftKind.Declared, "the spec moves this QAT PF from SR-IOV to SIOV")
                : (DriftKind.ChangedOutside, "SR-IOV VFs were enabled outside HdIov on a PF the spec splits with SIOV");
        }

        var owned = state.Ledger.Entries
            .Where(e => e.Kind == LedgerEntryKind.Mdev && e.Parent == Pf.ToString() && e.Type is not null && !OwnershipLedger.IsImperative(e))
            .GroupBy(e => QatSiovBackend.ServiceOf(e.Type!) ?? e.Type!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var perService = QatSiovBackend.PerService(config.NumberAdis, config.Services.Length);
        var holdsWhatWasMade = owned.All(o => config.Services.Contains(o.Key) && perService >= o.Value);
        if (owned.Count > 0 && !holdsWhatWasMade)
        {
            return (DriftKind.ChangedOutside, $"{config.Path} was changed outside HdIov: it no longer enables the services and ADIs of the VDEVs the engine made; restarting the device restores them");
        }

        var sameServices = config.Services.Order(StringComparer.Ordinal).SequenceEqual(Services.Order(StringComparer.Ordinal));
        if (sameServices && config.NumberAdis >= NumberAdis)
        {
            return (DriftKind.HardwareChanged, $"{config.Path} enables what the spec needs, but the PF does not offer its vQAT types; restarting the device registers them again");
        }

        return (DriftKind.Declared, "the spec asks for other services or more VDEVs than the PF is configured for");
    }
}
