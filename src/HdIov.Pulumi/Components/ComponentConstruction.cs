using System.Collections.Immutable;
using HdIov.Pulumi.Hosting;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Components;

/// <summary>
/// One Construct call of the Host component, spoken to the engine's ResourceMonitor: register the component with the
/// resource options of the request, register each child under it (custom, this package's provider and version, its
/// sibling dependencies), record the component's outputs, and answer with its URN, state and state dependencies.
/// Children are registered one after the other: an Attachment needs the URN of its DeviceSplit, and the engine
/// answers a registration once the child's own step has run.
/// </summary>
internal sealed class ComponentConstruction(ResourceMonitor.ResourceMonitorClient monitor, ConstructRequest request, string version)
{
    private const string SecretsFeature = "secrets";

    private static readonly string[] OutputKeys = ["hostName", "platform", "deviceSplits", "attachments", "deviceSplitCount", "attachmentCount"];

    private static readonly (string Key, string Type)[] OutputTypes =
    [
        ("platform", Resources.PlatformResource.Type),
        ("deviceSplits", Resources.DeviceSplitResource.Type),
        ("attachments", Resources.AttachmentResource.Type),
    ];

    public async Task<ConstructResponse> RunAsync(CancellationToken cancellationToken)
    {
        var inputs = StructCodec.Decode(request.Inputs);
        var known = !inputs.Values.Any(v => v.ContainsUnknown);
        var spec = known ? HostComponent.Load(inputs.Reveal()) : null;
        var secret = inputs.Values.Any(v => v.ContainsSecret);
        if (secret && !(await monitor.SupportsFeatureAsync(new SupportsFeatureRequest { Id = SecretsFeature }, cancellationToken: cancellationToken)).HasSupport)
        {
            throw ProviderErrors.FailedPrecondition("the engine's resource monitor does not support secrets, and this Host component's document is secret. Fix: use a newer Pulumi CLI");
        }

        var component = await monitor.RegisterResourceAsync(ComponentRegistration(inputs), cancellationToken: cancellationToken);
        var urns = new Dictionary<string, string>(StringComparer.Ordinal);
        var children = spec is null ? [] : HostComponent.Children(request.Name, spec);
        foreach (var child in children)
        {
            var registered = await monitor.RegisterResourceAsync(ChildRegistration(child, component.Urn, urns, secret), cancellationToken: cancellationToken);
            urns[child.Name] = registered.Urn;
        }

        var outputs = spec is null ? UnknownOutputs() : Outputs(spec.Name, children, urns);
        var recorded = new RegisterResourceOutputsRequest { Urn = component.Urn, Outputs = StructCodec.Encode(outputs) };
        await monitor.RegisterResourceOutputsAsync(recorded, cancellationToken: cancellationToken);

        var response = new ConstructResponse { Urn = component.Urn, State = StructCodec.Encode(outputs) };
        foreach (var (key, type) in OutputTypes)
        {
            var dependencies = new PropertyDependencies();
            dependencies.Urns.AddRange(children.Where(c => c.Type == type).Select(c => urns[c.Name]));
            response.StateDependencies.Add(key, dependencies);
        }

        return response;
    }

    private RegisterResourceRequest ComponentRegistration(PropertyMap inputs)
    {
        var registration = new RegisterResourceRequest
        {
            Type = request.Type,
            Name = request.Name,
            Parent = request.Parent,
            Custom = false,
            Remote = false,
            Object = StructCodec.Encode(inputs),
            AcceptSecrets = true,
            AcceptResources = true,
            SupportsPartialValues = true,
            SupportsResultReporting = true,
            DeletedWith = request.DeletedWith,
        };
        if (request.HasProtect)
        {
            registration.Protect = request.Protect;
        }

        if (request.HasRetainOnDelete)
        {
            registration.RetainOnDelete = request.RetainOnDelete;
        }

        if (request.HasDeleteBeforeReplace)
        {
            registration.DeleteBeforeReplace = request.DeleteBeforeReplace;
            registration.DeleteBeforeReplaceDefined = true;
        }

        if (request.CustomTimeouts is { } timeouts)
        {
            registration.CustomTimeouts = new RegisterResourceRequest.Types.CustomTimeouts { Create = timeouts.Create, Update = timeouts.Update, Delete = timeouts.Delete };
        }

        registration.Providers.Add(request.Providers);
        registration.Dependencies.AddRange(request.Dependencies);
        registration.IgnoreChanges.AddRange(request.IgnoreChanges);
        registration.ReplaceOnChanges.AddRange(request.ReplaceOnChanges);
        registration.AdditionalSecretOutputs.AddRange(request.AdditionalSecretOutputs);
        foreach (var (key, dependencies) in request.InputDependencies)
        {
            var urns = new RegisterResourceRequest.Types.PropertyDependencies();
            urns.Urns.AddRange(dependencies.Urns);
            registration.PropertyDependencies.Add(key, urns);
        }

        return registration;
    }

    /// <summary>
    /// The engine passes a parent's provider on only for the same package and never its providers map, so each child
    /// names the provider itself; the version keeps the engine from starting a second, version-less default provider.
    /// </summary>
    private RegisterResourceRequest ChildRegistration(ChildResource child, string componentUrn, Dictionary<string, string> urns, bool secret)
    {
        var inputs = secret
            ? new PropertyMap(child.Inputs.Select(p => KeyValuePair.Create(p.Key, PropertyValue.Secret(p.Value))))
            : child.Inputs;
        var registration = new RegisterResourceRequest
        {
            Type = child.Type,
            Name = child.Name,
            Parent = componentUrn,
            Custom = true,
            Object = StructCodec.Encode(inputs),
            Version = version,
            AcceptSecrets = true,
            AcceptResources = true,
            SupportsPartialValues = true,
            SupportsResultReporting = true,
        };
        registration.Providers.Add(request.Providers);
        if (request.Providers.TryGetValue(Schema.PackageSchema.Package, out var provider))
        {
            registration.Provider = provider;
        }

        var needs = child.DependsOn.Select(name => urns[name]).ToImmutableArray();
        if (needs.Length > 0)
        {
            registration.Dependencies.AddRange(needs);
            var vdevs = new RegisterResourceRequest.Types.PropertyDependencies();
            vdevs.Urns.AddRange(needs);
            registration.PropertyDependencies.Add("vdevs", vdevs);
        }

        return registration;
    }

    private static PropertyMap Outputs(string hostName, ImmutableArray<ChildResource> children, Dictionary<string, string> urns)
    {
        PropertyValue UrnsOf(string type) => PropertyValue.From(children.Where(c => c.Type == type).Select(c => PropertyValue.From(urns[c.Name])));
        var platform = children.FirstOrDefault(c => c.Type == Resources.PlatformResource.Type);
        var splits = children.Count(c => c.Type == Resources.DeviceSplitResource.Type);
        var attachments = children.Count(c => c.Type == Resources.AttachmentResource.Type);
        return new PropertyMap(
        [
            KeyValuePair.Create("hostName", PropertyValue.From(hostName)),
            KeyValuePair.Create("platform", platform is null ? PropertyValue.Null : PropertyValue.From(urns[platform.Name])),
            KeyValuePair.Create("deviceSplits", UrnsOf(Resources.DeviceSplitResource.Type)),
            KeyValuePair.Create("attachments", UrnsOf(Resources.AttachmentResource.Type)),
            KeyValuePair.Create("deviceSplitCount", PropertyValue.From(splits)),
            KeyValuePair.Create("attachmentCount", PropertyValue.From(attachments)),
        ]);
    }

    /// <summary>A preview whose document is not known yet (computed by another resource): nothing to register under the component.</summary>
    private static PropertyMap UnknownOutputs() => new(OutputKeys.Select(k => KeyValuePair.Create(k, PropertyValue.Unknown)));
}
