using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Session;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// <c>hdiov:index:Platform</c>: the spec's platform section (BIOS, IOMMU mode, kernel arguments, hugepages), one
/// per host; the id is the host name. Boot-time changes are applied to the boot loader and firmware and reported in
/// <c>pendingReboot</c> until the host has rebooted. With <c>bios.source: redfish</c> the settings go to the host's BMC:
/// <c>bios.redfish</c> names the service (endpoint, system, caCertificate, insecure, as in the spec document) and its
/// account (username, password: the password is always secret), else the provider's bmc* configuration is used.
/// Delete leaves the platform as it is (see docs/pulumi.md: reverting would need the host's earlier settings, which
/// nothing recorded, and could take away what the running VMs and the other resources rely on). Import reads the
/// platform as configured (<see cref="ObservedPlatform"/>).
/// </summary>
internal sealed class PlatformResource(EngineLog log) : ResourceHandler
{
    public const string Type = "hdiov:index:Platform";

    public override string Token => Type;

    public override IReadOnlyList<string> InputKeys { get; } = ["bios", "iommu", "kernelArgs", "hugepages"];

    public override IReadOnlySet<string> ReplaceKeys { get; } = new HashSet<string>(StringComparer.Ordinal);

    public override CheckOutcome Check(PropertyMap news, string resourceName)
    {
        var inputs = SecretPassword(news);
        return CheckBySpecDocument(inputs, checkedInputs => SpecDocument.LoadPlatform("check", DocumentInputs(checkedInputs), resourceName));
    }

    public override Task<ResourceState> CreateAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, inputs, preview, urn, cancellationToken);

    public override Task<ResourceState> UpdateAsync(HostContext host, string id, PropertyMap oldInputs, PropertyMap news, bool preview, string urn, CancellationToken cancellationToken) =>
        ConvergeAsync(host, news, preview, urn, cancellationToken);

    public override async Task<ResourceState?> ReadAsync(HostContext host, string id, PropertyMap? inputs, string urn, CancellationToken cancellationToken)
    {
        if (id != host.HostName)
        {
            return null;
        }

        if (inputs is null || inputs.Count == 0)
        {
            inputs = SpecInputs.Platform(ObservedPlatform.Of(host.Observe(cancellationToken)));
        }

        var spec = SpecDocument.LoadPlatform(host.HostName, DocumentInputs(inputs), urn);
        var (account, endpoint) = Bmc(host, inputs);
        var converged = await host.ConvergeAsync(spec, PlanScope.Of([], []), apply: false, cancellationToken, bmcAccount: account, bmcEndpoint: endpoint).ConfigureAwait(false);
        return new ResourceState(host.HostName, Outputs.Merge(inputs, Computed(converged)), inputs);
    }

    public override Task DeleteAsync(HostContext host, string id, PropertyMap oldInputs, string urn, CancellationToken cancellationToken) =>
        log.WarningAsync("the platform settings stay as they are (kernel arguments, BIOS settings and hugepages are not reverted)", urn);

    public override async Task<bool> HasDriftAsync(HostContext host, PropertyMap inputs, string urn, CancellationToken cancellationToken)
    {
        var spec = SpecDocument.LoadPlatform(host.HostName, DocumentInputs(inputs), urn);
        var (account, endpoint) = Bmc(host, inputs);
        var converged = await host.ConvergeAsync(spec, PlanScope.Of([], []), apply: false, cancellationToken, bmcAccount: account, bmcEndpoint: endpoint).ConfigureAwait(false);
        return !converged.Plan.IsEmpty;
    }

    private static async Task<ResourceState> ConvergeAsync(HostContext host, PropertyMap inputs, bool preview, string urn, CancellationToken cancellationToken)
    {
        if (preview && inputs.Values.Any(v => v.ContainsUnknown))
        {
            return new ResourceState(host.HostName, Outputs.Merge(inputs, [("pendingReboot", PropertyValue.Unknown), ("warnings", PropertyValue.Unknown), ("bootLoaderArguments", PropertyValue.Unknown), ("kernelCommandLine", PropertyValue.Unknown)]), inputs);
        }

        var spec = SpecDocument.LoadPlatform(host.HostName, DocumentInputs(inputs), urn);
        var scope = PlanScope.Of([], []);
        var (account, endpoint) = Bmc(host, inputs);
        try
        {
            var converged = await host.ConvergeAsync(spec, scope, apply: !preview, cancellationToken, bmcAccount: account, bmcEndpoint: endpoint).ConfigureAwait(false);
            return new ResourceState(host.HostName, Outputs.Merge(inputs, Computed(converged)), inputs);
        }
        catch (ApplyFailedException failed)
        {
            var after = await host.ConvergeAsync(spec, scope, apply: false, CancellationToken.None, bmcAccount: account, bmcEndpoint: endpoint).ConfigureAwait(false);
            throw new PartialApplyException(new ResourceState(host.HostName, Outputs.Merge(inputs, Computed(after)), inputs), failed);
        }
    }

    /// <summary>
    /// What is waiting for a reboot (the engine's pending list, plus steps a plan still has behind the reboot barrier),
    /// the warnings of the plan (e.g. BIOS settings that can only be checked), and the kernel arguments configured and running.
    /// </summary>
    private static IEnumerable<(string, PropertyValue)> Computed(ConvergeResult converged)
    {
        return
        [
            ("pendingReboot", Outputs.Texts(converged.PendingReboot)),
            ("warnings", Outputs.Texts(converged.Remaining.Warnings.Select(w => $"{w.Code}: {w.Message}. Fix: {w.Hint}"))),
            ("bootLoaderArguments", Outputs.Text(converged.State.Platform.BootCommandLine)),
            ("kernelCommandLine", Outputs.Text(converged.State.CommandLine.Raw.Trim())),
        ];
    }

    /// <summary>
    /// The inputs as a spec document's platform section: <c>bios.redfish</c> keeps the service (checked by the spec's
    /// rules) but not the account, which the document has no place for; the account stays in the resource only.
    /// </summary>
    private static PropertyMap DocumentInputs(PropertyMap inputs)
    {
        var revealed = inputs.Reveal();
        if (Outputs.MapOf(revealed, "bios") is not { } bios)
        {
            return revealed;
        }

        var service = Outputs.MapOf(bios, "redfish")?.Without("username").Without("password");
        var document = service is null || !service.ContainsKey("endpoint") ? bios.Without("redfish") : bios.With("redfish", PropertyValue.From(service));
        return revealed.With("bios", PropertyValue.From(document));
    }

    /// <summary>
    /// The BMC account and default service for <c>source: redfish</c>: the resource's <c>bios.redfish</c> account, else
    /// the provider's <c>bmcUsername</c> and <c>bmcPassword</c>; the provider's <c>bmcEndpoint</c> serves a spec whose
    /// <c>bios.redfish</c> names no service.
    /// </summary>
    private static (RedfishCredential? Account, RedfishSpec? Endpoint) Bmc(HostContext host, PropertyMap inputs)
    {
        var redfish = Outputs.MapOf(inputs.Reveal(), "bios") is { } bios ? Outputs.MapOf(bios, "redfish") : null;
        var user = (redfish is null ? null : Outputs.TextOf(redfish, "username")) ?? host.Bmc?.Username;
        var password = (redfish is null ? null : Outputs.TextOf(redfish, "password")) ?? host.Bmc?.Password;
        var account = string.IsNullOrEmpty(user) || password is null ? null : new RedfishCredential(user, password);
        var configured = host.Bmc is { } bmc && Uri.TryCreate(bmc.Endpoint, UriKind.Absolute, out var uri)
            ? new RedfishSpec(new Uri(uri.GetLeftPart(UriPartial.Authority)))
            : null;
        return (account, configured);
    }

    private static PropertyMap SecretPassword(PropertyMap inputs)
    {
        if (inputs.Get("bios") is not { } biosValue || biosValue.Reveal() is not ObjectValue bios
            || bios.Map.Get("redfish") is not { } redfishValue || redfishValue.Reveal() is not ObjectValue redfish
            || redfish.Map.Get("password") is not { } password)
        {
            return inputs;
        }

        var wasSecret = biosValue is SecretValue;
        var newRedfish = PropertyValue.From(AsPlainMap(redfishValue).With("password", PropertyValue.Secret(password.Reveal())));
        var newBios = PropertyValue.From(AsPlainMap(biosValue).With("redfish", newRedfish));
        return inputs.With("bios", newBios.SecretIf(wasSecret));
    }

    private static PropertyMap AsPlainMap(PropertyValue value) => value switch
    {
        SecretValue s => AsPlainMap(s.Value),
        ObjectValue o => o.Map,
        _ => PropertyMap.Empty,
    };
}
