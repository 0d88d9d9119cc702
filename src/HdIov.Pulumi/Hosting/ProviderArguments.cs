namespace HdIov.Pulumi.Hosting;

/// <summary>
/// The plugin's command line as the engine builds it: optional logging and tracing flags, then the engine's gRPC
/// address (absent when the engine attaches to a running provider).
/// </summary>
public sealed record ProviderArguments(string? EngineAddress)
{
    public static ProviderArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>();
        for (var index = 0; index < args.Count; index++)
        {
            var arg = args[index];
            if (arg == "--tracing")
            {
                index++;
                continue;
            }

            if (arg is "--logtostderr" or "--logflow" || arg.StartsWith("-v=", StringComparison.Ordinal) || arg.StartsWith("--tracing=", StringComparison.Ordinal))
            {
                continue;
            }

            rest.Add(arg);
        }

        return rest.Count switch
        {
            0 => new ProviderArguments((string?)null),
            1 => new ProviderArguments(rest[0]),
            _ => throw new ArgumentException($"expected at most one argument (the engine address), got: {string.Join(' ', rest)}"),
        };
    }
}
