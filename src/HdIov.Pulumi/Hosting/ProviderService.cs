using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using HdIov.Pulumi.Components;
using HdIov.Pulumi.Configuration;
using HdIov.Pulumi.Resources;
using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Schema;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Hosting;

/// <summary>The ResourceProvider service: decodes requests, hands them to the resource handlers, encodes the answers.</summary>
internal sealed class ProviderService(ProviderSession session) : ResourceProvider.ResourceProviderBase
{
    private static readonly Lazy<string> Schema = new(() => PackageSchema.Build(ProviderSession.Version));

    public override Task<ProviderHandshakeResponse> Handshake(ProviderHandshakeRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.EngineAddress))
        {
            session.Log.Attach(request.EngineAddress);
        }

        return Task.FromResult(new ProviderHandshakeResponse { AcceptSecrets = true, AcceptResources = true, AcceptOutputs = false });
    }

    public override Task<Empty> Attach(PluginAttach request, ServerCallContext context)
    {
        session.Log.Attach(request.Address);
        return Task.FromResult(new Empty());
    }

    public override Task<PluginInfo> GetPluginInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new PluginInfo { Version = ProviderSession.Version });

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, ServerCallContext context) =>
        Task.FromResult(new GetSchemaResponse { Schema = Schema.Value });

    public override Task<CheckResponse> CheckConfig(CheckRequest request, ServerCallContext context)
    {
        var news = StructCodec.Decode(request.News);
        // CheckConfig gets secrets unwrapped; the private key goes back in an envelope, so the state never holds it in plain text.
        if (news.Get(ProviderConfig.ConnectionKey) is { } connection)
        {
            news = news.With(ProviderConfig.ConnectionKey, SshConnection.WithSecretKey(connection));
        }

        var response = new CheckResponse { Inputs = StructCodec.Encode(news) };
        if (!news.Values.Any(v => v.ContainsUnknown))
        {
            foreach (var (key, reason) in ProviderConfig.Read(news).Problems)
            {
                response.Failures.Add(new CheckFailure { Property = key, Reason = reason });
            }
        }

        return Task.FromResult(response);
    }

    public override Task<DiffResponse> DiffConfig(DiffRequest request, ServerCallContext context)
    {
        var olds = StructCodec.Decode(request.OldInputs ?? request.Olds);
        var news = StructCodec.Decode(request.News);
        return Task.FromResult(InputDiff.Compute(olds, news, ProviderConfig.Keys, ProviderConfig.HostIdentityKeys, deleteBeforeReplace: false));
    }

    public override Task<ConfigureResponse> Configure(ConfigureRequest request, ServerCallContext context)
    {
        var (config, problems) = ProviderConfig.Read(StructCodec.Decode(request.Args));
        if (config is null)
        {
            throw ProviderErrors.InvalidArgument("invalid provider configuration: " + string.Join("; ", problems.Select(p => $"{p.Key}: {p.Reason}")));
        }

        session.Configure(config);
        return Task.FromResult(new ConfigureResponse { AcceptSecrets = true, AcceptResources = true, SupportsPreview = true, AcceptOutputs = false });
    }

    public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var outcome = Handler(request.Type, request.Urn).Check(StructCodec.Decode(request.News), request.Name);
        var response = new CheckResponse { Inputs = StructCodec.Encode(outcome.Inputs) };
        response.Failures.AddRange(outcome.Failures.Select(f => new CheckFailure { Property = f.Property, Reason = f.Reason }));
        return Task.FromResult(response);
    }

    public override async Task<DiffResponse> Diff(DiffRequest request, ServerCallContext context)
    {
        var handler = Handler(request.Type, request.Urn);
        var oldInputs = StructCodec.Decode(request.OldInputs);
        var news = StructCodec.Decode(request.News);
        var diff = InputDiff.Compute(oldInputs, news, handler.InputKeys, handler.Replaces, deleteBeforeReplace: true, request.IgnoreChanges);
        if (diff.Changes == DiffResponse.Types.DiffChanges.DiffNone && !news.Values.Any(v => v.ContainsUnknown)
            && await handler.HasDriftAsync(session.Host, news, request.Urn, Token(context)).ConfigureAwait(false))
        {
            diff = InputDiff.Drift(handler.InputKeys.First(news.ContainsKey));
        }

        if (diff.Changes == DiffResponse.Types.DiffChanges.DiffSome)
        {
            await handler.ReviewDiffAsync(session.Host, oldInputs, news, request.Urn, Token(context)).ConfigureAwait(false);
        }

        return diff;
    }

    public override async Task<CreateResponse> Create(CreateRequest request, ServerCallContext context)
    {
        var handler = Handler(request.Type, request.Urn);
        var inputs = StructCodec.Decode(request.Properties);
        var state = await Guarded(() => handler.CreateAsync(session.Host, inputs, request.Preview, request.Urn, Token(context))).ConfigureAwait(false);
        return new CreateResponse { Id = request.Preview ? string.Empty : state.Id, Properties = StructCodec.Encode(state.Outputs) };
    }

    public override async Task<UpdateResponse> Update(UpdateRequest request, ServerCallContext context)
    {
        var handler = Handler(request.Type, request.Urn);
        var state = await Guarded(() => handler.UpdateAsync(
            session.Host, request.Id, StructCodec.Decode(request.OldInputs), StructCodec.Decode(request.News), request.Preview, request.Urn, Token(context))).ConfigureAwait(false);
        return new UpdateResponse { Properties = StructCodec.Encode(state.Outputs) };
    }

    public override async Task<ReadResponse> Read(ReadRequest request, ServerCallContext context)
    {
        var handler = Handler(request.Type, request.Urn);
        var inputs = request.Inputs is null ? null : StructCodec.Decode(request.Inputs);
        var state = await handler.ReadAsync(session.Host, request.Id, inputs, request.Urn, Token(context)).ConfigureAwait(false);
        return state is null
            ? new ReadResponse { Id = string.Empty }
            : new ReadResponse { Id = state.Id, Properties = StructCodec.Encode(state.Outputs), Inputs = StructCodec.Encode(state.Inputs) };
    }

    public override async Task<Empty> Delete(DeleteRequest request, ServerCallContext context)
    {
        var handler = Handler(request.Type, request.Urn);
        var oldInputs = StructCodec.Decode(request.OldInputs);
        await handler.DeleteAsync(session.Host, request.Id, oldInputs.Count > 0 ? oldInputs : StructCodec.Decode(request.Properties), request.Urn, Token(context)).ConfigureAwait(false);
        return new Empty();
    }

    public override async Task<ConstructResponse> Construct(ConstructRequest request, ServerCallContext context)
    {
        if (request.Type != HostComponent.Type)
        {
            throw ProviderErrors.InvalidArgument($"unknown component type '{request.Type}'; this provider has {HostComponent.Type}");
        }

        using var channel = GrpcChannel.ForAddress("http://" + request.MonitorEndpoint, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = ProviderHost.MaxMessageSize,
            MaxSendMessageSize = ProviderHost.MaxMessageSize,
        });
        var construction = new ComponentConstruction(new ResourceMonitor.ResourceMonitorClient(channel), request, ProviderSession.Version);
        return await construction.RunAsync(Token(context)).ConfigureAwait(false);
    }

    public override Task<Empty> Cancel(Empty request, ServerCallContext context)
    {
        session.Cancel();
        return Task.FromResult(new Empty());
    }

    /// <summary>An apply that stopped part-way: the engine gets the id and the state so nothing made is lost.</summary>
    private static async Task<ResourceState> Guarded(Func<Task<ResourceState>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (PartialApplyException partial)
        {
            var failure = partial.Failure;
            var reasons = failure.Diagnostics.Select(d => $"{d.Code}: {d.Message}. Fix: {d.Hint}").DefaultIfEmpty(failure.Message).ToList();
            var code = failure.Cause is OperationCanceledException ? StatusCode.Cancelled : StatusCode.Aborted;
            throw ProviderErrors.InitFailed(code, $"the host was changed only in part ({failure.Completed.Length} steps done): {failure.Message}", partial.State.Id, partial.State.Outputs, partial.State.Inputs, reasons);
        }
    }

    private ResourceHandler Handler(string type, string urn)
    {
        var token = string.IsNullOrEmpty(type) ? TypeFromUrn(urn) : type;
        return session.Resources.TryGetValue(token, out var handler)
            ? handler
            : throw ProviderErrors.InvalidArgument($"unknown resource type '{token}'; this provider has {string.Join(", ", session.Resources.Keys)}");
    }

    private static string TypeFromUrn(string urn)
    {
        var parts = urn.Split("::");
        return parts.Length >= 4 ? parts[2].Split('$')[^1] : string.Empty;
    }

    private CancellationToken Token(ServerCallContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.Cancellation).Token;
}
