using System.Text.Json.Nodes;

namespace HdIov.Testing.Redfish;

/// <summary>
/// Hosts a <see cref="RedfishEmulator"/> for tests in another process: prints one JSON line with the endpoint, the CA
/// certificate file and the system id, then serves until its standard input closes.
/// Arguments: [--user NAME] [--password TEXT] [--vendor IntelReference|Hpe|Dell] [--no-sessions] [--no-registry].
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var options = new RedfishEmulatorOptions();
        for (var index = 0; index < args.Length; index++)
        {
            var value = index + 1 < args.Length ? args[index + 1] : null;
            switch (args[index])
            {
                case "--user" when value is not null:
                    options = options with { UserName = value };
                    index++;
                    break;
                case "--password" when value is not null:
                    options = options with { Password = value };
                    index++;
                    break;
                case "--vendor" when value is not null && Enum.TryParse<BiosVendor>(value, ignoreCase: true, out var vendor):
                    options = options with { Vendor = vendor };
                    index++;
                    break;
                case "--no-sessions":
                    options = options with { Sessions = false };
                    break;
                case "--no-registry":
                    options = options with { PublishRegistry = false };
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[index]}'; use [--user NAME] [--password TEXT] [--vendor IntelReference|Hpe|Dell] [--no-sessions] [--no-registry]");
                    return 2;
            }
        }

        using var emulator = RedfishEmulator.Start(options);
        var ready = new JsonObject
        {
            ["endpoint"] = emulator.Endpoint.ToString(),
            ["caCertificate"] = emulator.CaCertificateFile,
            ["systemId"] = RedfishEmulator.SystemId,
        };
        Console.Out.WriteLine(ready.ToJsonString());
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
        }

        return 0;
    }
}
