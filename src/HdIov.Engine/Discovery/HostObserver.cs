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

    public HostState Observe(CancellationToken cancellationToken = default)
    {
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
        var parents = MdevReader.ReadParents(sysfs, cancellationToken);
        var mdevs = MdevReader.ReadDevices(sysfs, cancellationToken);
        var qatConfigs = ConfigFileReader.ReadQatConfigs(sysfs, problems);
        var definitions = ConfigFileReader.ReadMdevctlDefinitions(sysfs, problems);
        var ledger = ConfigFileReader.ReadLedger(sysfs);
        cancellationToken.ThrowIfCancellationRequested();

        var state = new HostState(kernel, cpu, commandLine, units, dmar, functions, parents, mdevs, qatConfigs, definitions, ledger, [])
        {
            KernelOptions = kernelOptions,
            Platform = PlatformReader.Read(sysfs),
        };
        return state with { Findings = [.. problems, .. ReadinessEvaluator.Evaluate(state)] };
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
