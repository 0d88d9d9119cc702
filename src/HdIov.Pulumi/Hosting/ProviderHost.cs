using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HdIov.Pulumi.Hosting;

/// <summary>
/// The provider's gRPC server: Kestrel on IPv4 loopback, an ephemeral port, cleartext HTTP/2 only (the engine dials
/// 127.0.0.1 with prior knowledge). Nothing but the port line is ever written to stdout.
/// </summary>
public sealed class ProviderHost : IAsyncDisposable
{
    /// <summary>The engine allows messages of up to 400 MiB in both directions.</summary>
    public const int MaxMessageSize = 400 * 1024 * 1024;

    private readonly WebApplication _app;

    private ProviderHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Completes when the host stops: SIGINT or SIGTERM, a <c>Cancel</c> call, or <see cref="StopAsync"/>.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public Task StopAsync() => _app.StopAsync();

    public static async Task<ProviderHost> StartAsync(ProviderArguments arguments, TextWriter? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton(new EngineLog(arguments.EngineAddress, diagnostics ?? Console.Error));
        builder.Services.AddSingleton<ProviderSession>();
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageSize;
            options.MaxSendMessageSize = MaxMessageSize;
            options.EnableDetailedErrors = false;
            options.Interceptors.Add<ErrorInterceptor>();
        });

        var app = builder.Build();
        app.MapGrpcService<ProviderService>();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ProviderHost(app, new Uri(address).Port);
    }

    /// <summary>The plugin's entry point: start, print the port line, serve until told to stop.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ProviderArguments arguments;
        try
        {
            arguments = ProviderArguments.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync("pulumi-resource-hdiov: " + error.Message).ConfigureAwait(false);
            return 2;
        }

        await using var host = await StartAsync(arguments).ConfigureAwait(false);
        var stdout = Console.OpenStandardOutput();
        var line = System.Text.Encoding.ASCII.GetBytes(host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        await stdout.WriteAsync(line).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);
}
