using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using HdIov.Engine.Discovery;
using HdIov.Engine.Host;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;

namespace HdIov.Engine.Session;

/// <summary>
/// The engine's door for a front that reaches a host through a transport: <see cref="SessionRequest"/> and
/// <see cref="SessionReply"/> as JSON, and <see cref="Handle"/>, which runs a request in a <see cref="HostSession"/> on
/// the host itself (the Pulumi provider calls it in a pwsh on the host, over SSH, with the HdIov module loaded). States,
/// plans and specs travel whole, so the front reads them as it reads a local session's.
/// </summary>
public static class SessionWire
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new ObservationScopeConverter(), new ImmutableArrayConverterFactory() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(SessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (wholeHost, devices, vdevs) = SessionRequest.Parts(request.Scope);
        var wire = new RequestWire(
            request.Operation,
            request.HostName,
            request.Spec,
            wholeHost,
            devices,
            vdevs,
            request.Apply,
            request.Libvirt,
            request.BmcAccount?.UserName,
            request.BmcAccount?.Password,
            request.BmcEndpoint,
            request.StalePlanAttempts);
        return JsonSerializer.Serialize(wire, Options);
    }

    public static SessionRequest ReadRequest(string json)
    {
        var wire = JsonSerializer.Deserialize<RequestWire>(json, Options) ?? throw new JsonException("the session request is empty");
        return new SessionRequest(wire.Operation)
        {
            HostName = wire.HostName,
            Spec = wire.Spec,
            Scope = wire.WholeHost ? null : PlanScope.Of(wire.ScopeDevices, wire.ScopeVdevs),
            Apply = wire.Apply,
            Libvirt = wire.Libvirt,
            BmcAccount = string.IsNullOrEmpty(wire.BmcUser) || wire.BmcPassword is null ? null : new RedfishCredential(wire.BmcUser, wire.BmcPassword),
            BmcEndpoint = wire.BmcEndpoint,
            StalePlanAttempts = Math.Max(1, wire.StalePlanAttempts),
        };
    }

    public static string Write(SessionReply reply) => JsonSerializer.Serialize(reply, Options);

    public static SessionReply ReadReply(string json) =>
        JsonSerializer.Deserialize<SessionReply>(json, Options) ?? throw new JsonException("the session reply is empty");

    /// <summary>
    /// Runs <paramref name="requestJson"/> on the host at <paramref name="root"/> and answers with the reply's JSON. A
    /// failure the engine foresees (a refused spec, a failed step, a busy host) is part of the reply; anything else is
    /// thrown, as from a local session.
    /// </summary>
    /// <summary>
    /// Runs <paramref name="requestJson"/> on the host at <paramref name="root"/> and answers with the reply's JSON. A
    /// failure the engine foresees (a refused spec, a failed step, a busy host) is part of the reply; anything else is
    /// thrown, as from a local session.
    /// </summary>
    public static string Handle(string root, string requestJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var request = ReadRequest(requestJson);
        try
        {
            var host = HostFactory.Open(root);
            try
            {
                return Write(Run(host, request, cancellationToken));
            }
            finally
            {
                (host as IDisposable)?.Dispose();
            }
        }
        catch (Exception error) when (SessionFailure.Of(error) is { } failure)
        {
            return Write(new SessionReply { Failure = failure });
        }
    }

    /// <summary>Runs <paramref name="request"/> in a session on <paramref name="host"/>; the engine's exceptions are thrown as they are.</summary>
    public static SessionReply Run(IHost host, SessionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        using var session = new HostSession(host, new SessionOptions
        {
            HostName = request.HostName,
            Libvirt = request.Libvirt,
            BmcAccount = request.BmcAccount,
            BmcEndpoint = request.BmcEndpoint,
            StalePlanAttempts = request.StalePlanAttempts,
            Cancellation = cancellationToken,
        });
        return request.Operation switch
        {
            SessionOperation.Observe => new SessionReply { State = session.Observe() },
            SessionOperation.ObserveForSpec => new SessionReply { State = session.Observe(SpecOf(request), request.Scope) },
            _ => new SessionReply { Converged = session.Converge(SpecOf(request), request.Scope, request.Apply) },
        };
    }

    private static HostSpec SpecOf(SessionRequest request) =>
        request.Spec ?? throw new ArgumentException($"a {request.Operation} request needs a spec", nameof(request));

    private sealed record RequestWire(
        SessionOperation Operation,
        string? HostName,
        HostSpec? Spec,
        bool WholeHost,
        ImmutableArray<string> ScopeDevices,
        ImmutableArray<string> ScopeVdevs,
        bool Apply,
        bool Libvirt,
        string? BmcUser,
        string? BmcPassword,
        RedfishSpec? BmcEndpoint,
        int StalePlanAttempts);

    /// <summary>
    /// A scope by its key: the whole host, or a scope read from JSON that names its selection but cannot make it again
    /// (the state it belongs to was observed on the host).
    /// </summary>
    private sealed class ObservationScopeConverter : JsonConverter<ObservationScope>
    {
        public override ObservationScope Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var key = reader.GetString() ?? throw new JsonException("an observation scope needs its key");
            return key == ObservationScope.WholeHost.Key
                ? ObservationScope.WholeHost
                : ObservationScope.Of(key, _ => throw new InvalidOperationException($"the observation scope '{key}' was read from a host's reply and selects nothing here"));
        }

        public override void Write(Utf8JsonWriter writer, ObservationScope value, JsonSerializerOptions options) => writer.WriteStringValue(value.Key);
    }

    /// <summary>
    /// Immutable arrays with the default (absent) array kept apart from the empty one: the spec model uses a default
    /// array for "not given" (null on the wire), which the built-in converter cannot write.
    /// </summary>
    private sealed class ImmutableArrayConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ImmutableArray<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ImmutableArrayConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
    }

    private sealed class ImmutableArrayConverter<T> : JsonConverter<ImmutableArray<T>>
    {
        public override bool HandleNull => true;

        public override ImmutableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? default : [.. JsonSerializer.Deserialize<List<T>>(ref reader, options) ?? []];

        public override void Write(Utf8JsonWriter writer, ImmutableArray<T> value, JsonSerializerOptions options)
        {
            if (value.IsDefault)
            {
                writer.WriteNullValue();
                return;
            }

            JsonSerializer.Serialize(writer, (IEnumerable<T>)value, options);
        }
    }
}
