using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HdIov.Pulumi.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HdIov.Pulumi.Tests.Testing;

/// <summary>
/// The engine's ResourceMonitor as Construct sees it: a Kestrel h2c server on loopback that records every
/// registration and answers with URNs built like the engine's (<c>urn:pulumi:dev::proj::&lt;parent type&gt;$&lt;type&gt;::&lt;name&gt;</c>).
/// Given the provider's client it also behaves like the engine for custom children: Check, then Create (a preview
/// Create when the deployment is a dry run), so the children's inputs are proven on a real host.
/// </summary>
internal sealed class FakeResourceMonitor : IAsyncDisposable
{
    public const string StackUrn = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";

    private readonly WebApplication _app;

    private FakeResourceMonitor(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public ConcurrentQueue<RegisterResourceRequest> Registrations { get; } = new();

    public ConcurrentQueue<RegisterResourceOutputsRequest> RecordedOutputs { get; } = new();

    public ConcurrentQueue<string> FeatureQueries { get; } = new();

    public bool SupportsSecrets { get; set; } = true;

    /// <summary>The provider children are sent to, engine-like; null to only record.</summary>
    public ResourceProvider.ResourceProviderClient? Provider { get; set; }

    public bool DryRun { get; set; }

    public static async Task<FakeResourceMonitor> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var holder = new Holder();
        builder.Services.AddSingleton(holder);
        var app = builder.Build();
        app.MapGrpcService<MonitorService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var monitor = new FakeResourceMonitor(app, new Uri(address).Port);
        holder.Monitor = monitor;
        return monitor;
    }

    public static string UrnOf(string type, string name, string parent)
    {
        var parentType = string.IsNullOrEmpty(parent) ? string.Empty : parent.Split("::")[2];
        var qualified = parentType is "" or "pulumi:pulumi:Stack" ? type : $"{parentType}${type}";
        return $"urn:pulumi:dev::proj::{qualified}::{name}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Holder
    {
        public FakeResourceMonitor Monitor { get; set; } = null!;
    }

    private sealed class MonitorService(Holder holder) : ResourceMonitor.ResourceMonitorBase
    {
        private FakeResourceMonitor Monitor => holder.Monitor;

        public override Task<SupportsFeatureResponse> SupportsFeature(SupportsFeatureRequest request, ServerCallContext context)
        {
            Monitor.FeatureQueries.Enqueue(request.Id);
            return Task.FromResult(new SupportsFeatureResponse { HasSupport = request.Id != "secrets" || Monitor.SupportsSecrets });
        }

        public override async Task<RegisterResourceResponse> RegisterResource(RegisterResourceRequest request, ServerCallContext context)
        {
            Monitor.Registrations.Enqueue(request);
            var urn = UrnOf(request.Type, request.Name, request.Parent);
            var response = new RegisterResourceResponse { Urn = urn, Object = request.Object ?? new Struct() };
            if (!request.Custom)
            {
                return response;
            }

            if (Monitor.Provider is not { } provider)
            {
                response.Id = Monitor.DryRun ? string.Empty : "fake-id";
                return response;
            }

            var check = await provider.CheckAsync(new CheckRequest { Urn = urn, Type = request.Type, Name = request.Name, Olds = new Struct(), News = request.Object });
            if (check.Failures.Count > 0)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, string.Join("; ", check.Failures.Select(f => $"{f.Property}: {f.Reason}"))));
            }

            var created = await provider.CreateAsync(new CreateRequest { Urn = urn, Type = request.Type, Name = request.Name, Properties = check.Inputs, Preview = Monitor.DryRun });
            response.Id = created.Id;
            response.Object = created.Properties;
            return response;
        }

        public override Task<Empty> RegisterResourceOutputs(RegisterResourceOutputsRequest request, ServerCallContext context)
        {
            Monitor.RecordedOutputs.Enqueue(request);
            return Task.FromResult(new Empty());
        }
    }
}
