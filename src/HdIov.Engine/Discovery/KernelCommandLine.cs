using System.Collections.Immutable;

namespace HdIov.Engine.Discovery;

/// <summary>
/// <c>/proc/cmdline</c> split into tokens, with the <c>intel_iommu=</c> options parsed the way the kernel does
/// (comma-separated, prefix-matched: <c>on</c>, <c>off</c>, <c>sm_on</c>, <c>sm_off</c>, ...). <c>sm=on</c> is not an option.
/// </summary>
public sealed record KernelCommandLine(string Raw, ImmutableArray<string> Tokens)
{
    public static KernelCommandLine Parse(string raw)
    {
        var tokens = raw.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).ToImmutableArray();
        return new KernelCommandLine(raw.Trim(), tokens);
    }

    /// <summary>Every value of every <c>intel_iommu=</c> token, in order.</summary>
    public ImmutableArray<string> IntelIommuOptions =>
        [.. Tokens.Where(t => t.StartsWith("intel_iommu=", StringComparison.Ordinal))
            .SelectMany(t => t["intel_iommu=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>True when an <c>intel_iommu=</c> option starts with <paramref name="option"/> (the kernel's strncmp).</summary>
    public bool HasIntelIommuOption(string option) =>
        IntelIommuOptions.Any(o => o.StartsWith(option, StringComparison.Ordinal));

    public bool IommuPassthrough => Tokens.Contains("iommu=pt");

    /// <summary>Options the kernel does not recognise (logged as "DMAR: Unknown option"), e.g. the common <c>sm=on</c>.</summary>
    public ImmutableArray<string> UnknownIntelIommuOptions =>
        [.. IntelIommuOptions.Where(o => !KnownIntelIommuOptions.Any(k => o.StartsWith(k, StringComparison.Ordinal)))];

    private static readonly string[] KnownIntelIommuOptions =
        ["on", "off", "igfx_off", "forcedac", "strict", "sp_off", "sm_on", "sm_off", "tboot_noforce", "nobounce"];
}
