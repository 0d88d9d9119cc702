using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Drift;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Session;

/// <summary>
/// The engine's whole job on one host, as every front uses it: observe (with the libvirt domains and the BMC when the
/// spec needs them, and scoped to what a scoped plan selects), plan (a spec, a piece of one, or a request), apply
/// (host lock, stale-plan check and retry, journal), what waits for a reboot after it, drift and export. A front opens a
/// session per command or request with its <see cref="SessionOptions"/>, translates its parameters in and the results
/// out, and maps the errors; it composes nothing of the engine itself.
/// </summary>
public sealed class HostSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly bool _ownsHost;
    private readonly ConditionalWeakTable<HostSpec, StrongBox<RedfishConnection?>> _bmcBySpec = new();
    private LibvirtVirtualMachines? _libvirt;
    private string? _hostName;

    /// <summary>A session on <paramref name="host"/>, which the caller keeps open and disposes.</summary>
    public HostSession(IHost host, SessionOptions? options = null)
        : this(host, options ?? SessionOptions.Default, ownsHost: false)
    {
    }

    private HostSession(IHost host, SessionOptions options, bool ownsHost)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StalePlanAttempts, 1);
        Host = host;
        _options = options;
        _ownsHost = ownsHost;
    }

    /// <summary>Opens the host at <paramref name="root"/> (/ for this machine, or a simulated host's folder); the session closes it.</summary>
    /// <exception cref="ArgumentException"><paramref name="root"/> is not a host.</exception>
    public static HostSession Open(string root, SessionOptions? options = null) =>
        new(HostFactory.Open(root), options ?? SessionOptions.Default, ownsHost: true);

    public IHost Host { get; }

    /// <summary>The directory that stands for / on the host.</summary>
    public string Root => Host.Root;

    /// <summary>The host's identity: the name VDEV UUIDs derive from, and the <see cref="Plan.HostName"/> of request plans.</summary>
    public string HostName => _hostName ??= _options.HostName ?? HostNames.DefaultName(Host);

    public SessionOptions Options => _options;

    private CancellationToken Cancellation => _options.Cancellation;

    /// <summary>The VMs the session reaches, or null when it was opened without libvirt.</summary>
    public IVirtualMachines? VirtualMachines =>
        _options.VirtualMachines ?? (_options.Libvirt ? _libvirt ??= LibvirtVirtualMachines.For(Host) : null);

    /// <summary>The whole host as it is (no libvirt domains, no BMC).</summary>
    public HostState Observe() => new HostObserver(Host).Observe(Cancellation);

    /// <summary>
    /// The host as <paramref name="spec"/> is planned against: for a scoped plan only the parents it selects (see
    /// <see cref="ObservationScope"/>), with the libvirt domains the spec and the ledger name (when the session has
    /// libvirt) plus <paramref name="extraDomains"/>, and for <c>source: redfish</c> the BIOS as the BMC reports it.
    /// </summary>
    /// <exception cref="Diagnostics.HdIovException">The spec needs a BMC account the session was not given (HDIOV2022).</exception>
    public HostState Observe(HostSpec spec, PlanScope? scope = null, IEnumerable<(string Uri, string Name)>? extraDomains = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var bmc = Bmc(spec);
        var state = new HostObserver(Host).Observe(ScopedObservation.For(spec, scope ?? PlanScope.WholeHost), Cancellation);
        return Complete(state, spec, bmc, extraDomains);
    }

    /// <summary>The host with the libvirt domains the ledger and <paramref name="domains"/> name (for a request on a VM).</summary>
    public HostState ObserveWithDomains(IEnumerable<(string Uri, string Name)> domains)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var state = Observe();
        return VirtualMachines is { } machines ? DomainObserver.Observe(state, null, machines, domains) : state;
    }

    /// <summary>Plans <paramref name="spec"/> (the whole host, or the piece <paramref name="scope"/> covers) against <paramref name="state"/>.</summary>
    /// <exception cref="PlanRejectedException">The state cannot be reached; every reason is a located diagnostic.</exception>
    public static Plan Plan(HostSpec spec, HostState state, PlanScope? scope = null) => Planner.Plan(spec, state, scope ?? PlanScope.WholeHost);

    /// <summary>The PFs (or parents) each device entry of <paramref name="spec"/> selects on <paramref name="state"/>, in PF-ordinal order.</summary>
    public static ImmutableDictionary<string, ImmutableArray<string>> Selections(HostSpec spec, HostState state) => Planner.Selections(spec, state);

    /// <summary>Plans creating VDEVs now, outside any spec (<see cref="ImperativePlanner.PlanCreate"/>).</summary>
    public ImperativePlan PlanCreate(VdevCreateRequest request, HostState state) => ImperativePlanner.PlanCreate(request, state, HostName);

    /// <summary>Plans removing VDEVs now (<see cref="ImperativePlanner.PlanRemove"/>).</summary>
    public ImperativePlan PlanRemove(VdevRemoveRequest request, HostState state) => ImperativePlanner.PlanRemove(request, state, HostName);

    /// <summary>Plans handing devices to a VM or to containers now.</summary>
    public Plan PlanConnect(AttachmentRequest request, HostState state) => AttachmentRequestPlanner.Connect(HostName, state, request);

    /// <summary>Plans taking devices back from a VM or from containers now.</summary>
    public Plan PlanDisconnect(AttachmentRequest request, HostState state) => AttachmentRequestPlanner.Disconnect(HostName, state, request);

    /// <summary>The VFIO groups processes hold open now (group number to the count of holders).</summary>
    public ImmutableSortedDictionary<int, int> OpenVfioGroups() => VfioGroupUsageReader.Read(Host, Cancellation);

    /// <summary>
    /// Applies <paramref name="plan"/> under the host lock with a journal; the BMC is the one <paramref name="spec"/>
    /// needs. A plan made on another state is refused (<see cref="StalePlanException"/>); <see cref="Converge"/> plans again.
    /// </summary>
    /// <exception cref="StalePlanException">The host changed since the plan was made.</exception>
    /// <exception cref="ApplyFailedException">A step failed; the steps before it are done and recorded.</exception>
    public ApplyResult Apply(Plan plan, HostSpec? spec = null, IApplyObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var options = new ApplyOptions
        {
            LockTimeout = _options.LockTimeout,
            VirtualMachines = VirtualMachines,
            Redfish = spec is null ? null : Bmc(spec),
        };
        return new Executor(Host, options).Apply(plan, observer ?? _options.Observer, Cancellation);
    }

    /// <summary>
    /// Applies <paramref name="plan"/>, made for <paramref name="spec"/> (the piece <paramref name="scope"/> covers), then
    /// observes the host as the spec sees it and plans again to tell what is left (what waits for a reboot).
    /// </summary>
    /// <exception cref="StalePlanException">The host changed since the plan was made.</exception>
    /// <exception cref="ApplyFailedException">A step failed; the steps before it are done and recorded.</exception>
    public ConvergeResult Apply(HostSpec spec, Plan plan, PlanScope? scope = null, IApplyObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = Apply(plan, spec, observer);
        (observer ?? _options.Observer)?.PhaseStarting(ConvergePhase.Verify);
        var final = Complete(result.FinalState, spec, Bmc(spec), null);
        return new ConvergeResult(plan, result with { FinalState = final }, final, Plan(spec, final, scope));
    }

    /// <summary>
    /// Observes, plans and, with <paramref name="apply"/>, applies <paramref name="spec"/> (the piece <paramref name="scope"/>
    /// covers) as <see cref="Apply(HostSpec, Plan, PlanScope?, IApplyObserver?)"/> does, planning again when another
    /// process made the plan stale (up to <see cref="SessionOptions.StalePlanAttempts"/> times).
    /// </summary>
    /// <exception cref="PlanRejectedException">The state cannot be reached.</exception>
    /// <exception cref="StalePlanException">The host kept changing between plan and apply.</exception>
    /// <exception cref="ApplyFailedException">A step failed.</exception>
    public ConvergeResult Converge(HostSpec spec, PlanScope? scope = null, bool apply = true, IApplyObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        for (var attempt = 1; ; attempt++)
        {
            var phases = observer ?? _options.Observer;
            phases?.PhaseStarting(ConvergePhase.Observe);
            var state = Observe(spec, scope);
            phases?.PhaseStarting(ConvergePhase.Plan);
            var plan = Plan(spec, state, scope);
            if (!apply)
            {
                return new ConvergeResult(plan, null, state, plan);
            }

            try
            {
                return Apply(spec, plan, scope, observer);
            }
            catch (StalePlanException) when (attempt < _options.StalePlanAttempts)
            {
            }
        }
    }

    /// <summary>One item per difference between <paramref name="spec"/> and <paramref name="state"/>, with the plan steps that fix it.</summary>
    public static ImmutableArray<DriftItem> Drift(HostSpec spec, HostState state, Plan? plan) => DriftAnalyzer.Analyze(spec, state, plan);

    /// <summary>Today's device state as a spec named <paramref name="name"/> (default: the host's identity).</summary>
    public HostSpec Export(HostState state, string? name = null) => HostStateExporter.Export(state, name ?? HostName);

    public void Dispose()
    {
        _libvirt?.Dispose();
        _libvirt = null;
        if (_ownsHost)
        {
            (Host as IDisposable)?.Dispose();
        }
    }

    private HostState Complete(HostState state, HostSpec spec, RedfishConnection? bmc, IEnumerable<(string Uri, string Name)>? extraDomains)
    {
        state = QemuArgumentsFileReader.Observe(state, spec, Host);
        if (VirtualMachines is { } machines)
        {
            state = DomainObserver.Observe(state, spec, machines, extraDomains);
        }

        return RedfishBiosObserver.Observe(state, bmc, Cancellation);
    }

    /// <summary>The BMC connection <paramref name="spec"/> needs, made once per spec.</summary>
    private RedfishConnection? Bmc(HostSpec spec) =>
        _bmcBySpec.GetValue(spec, s => new StrongBox<RedfishConnection?>(RedfishBiosObserver.ConnectionFor(s, _options.BmcAccount, _options.BmcEndpoint))).Value;
}
