using HdIov.Engine.Host;

namespace HdIov.Engine.Discovery;

/// <summary>
/// Reads a host through <see cref="IHost"/> into one immutable <see cref="HostState"/>. Devices that vanish while
/// they are read are left out; damaged firmware tables and config files become readiness warnings. Only an
/// unreadable ownership ledger stops observation, since the engine must not guess what it owns.
/// </summary>
public sealed class HostObserver
{
    private readonly IHost _host;

    public HostObserver(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    public HostState Observe(CancellationToken cancellationToken = default) => Observe(ObservationScope.WholeHost, cancellationToken);

    /// <summary>
    /// Reads the host; a scoped observation (see <see cref="ObservationScope"/>) reads the types, live mdevs and mdevctl
    /// definitions of the parents the scope selects only, so its cost follows the scope, not the host.
    /// </summary>
    public HostState Observe(ObservationScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var sysfs = new SysfsReader(_host);
        var problems = new List<ReadinessFinding>();
        var kernel = _host.KernelRelease;
        var commandLine = KernelCommandLine.Parse(sysfs.TryReadText(KernelPaths.CommandLine) ?? string.Empty);
        var kernelOptions = ReadKernelOptions(sysfs, kernel.Release);
        var cpu = CpuReader.Read(sysfs);
        cancellationToken.ThrowIfCancellationRequested();

        var units = IommuReader.ReadUnits(sysfs, problems);
        var dmar = IommuReader.ReadDmar(sysfs, problems);
        var functions = PciReader.Read(sysfs, problems, cancellationToken);
        var configurations = FamilyConfigurations.Read(sysfs, problems);
        var ledger = ConfigFileReader.ReadLedger(sysfs);
        var state = new HostState(kernel, cpu, commandLine, units, dmar, functions, [], [], configurations, [], ledger, [])
        {
            KernelOptions = kernelOptions,
            Platform = PlatformReader.Read(sysfs, kernel.Release),
            QemuArgumentsFiles = Attachments.QemuArgumentsFileReader.Read(_host, ledger.QemuArgumentsFiles),
            Scope = scope,
        };
        if (scope.IsWholeHost)
        {
            state = state with
            {
                MdevParents = MdevReader.ReadParents(sysfs, cancellationToken),
                Mdevs = MdevReader.ReadDevices(sysfs, cancellationToken),
                MdevctlDefinitions = ConfigFileReader.ReadMdevctlDefinitions(sysfs, problems),
            };
        }
        else
        {
            var selected = scope.SelectParents(state with { MdevParents = MdevReader.ReadParents(sysfs, cancellationToken, withTypes: false) })!;
            var parents = MdevReader.ReadParents(sysfs, cancellationToken, withTypes: true, only: selected);
            state = state with
            {
                MdevParents = parents,
                Mdevs = MdevReader.ReadDevicesOf(sysfs, parents, cancellationToken),
                MdevctlDefinitions = ConfigFileReader.ReadMdevctlDefinitions(sysfs, problems, selected),
            };
        }

        cancellationToken.ThrowIfCancellationRequested();
        return state with
        {
            Findings = [.. problems, .. ReadinessEvaluator.Evaluate(state)],
            Holders = Attachments.Holders.HolderObserver.ObserveHost(_host, state, cancellationToken),
        };
    }

    private static KernelBuildOptions ReadKernelOptions(SysfsReader sysfs, string release)
    {
        if (!HostPath.IsSafeSegment("config-" + release))
        {
            return KernelBuildOptions.Unknown;
        }

        var path = HostPath.Combine("/boot", "config-" + release);
        return sysfs.TryReadText(path) is { } text ? KernelBuildOptions.Parse(path, text) : KernelBuildOptions.Unknown;
    }
}
