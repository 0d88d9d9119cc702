using System.Collections.Immutable;
using System.Text.Json;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;

namespace HdIov.Engine.Attachments;

/// <summary>
/// Which libvirt answers for a URI. A real host uses every URI as written. A simulated host has no hypervisor, so
/// it names one in <see cref="Path"/> (<c>{ "uris": { "qemu:///system": "qemu+unix:///session?socket=/tmp/x/libvirt-sock" } }</c>);
/// <c>test:</c> URIs (libvirt's in-process test driver) pass through, and any other URI is refused, so a
/// rehearsal never reaches this machine's real VMs.
/// </summary>
public sealed class LibvirtUriMap
{
    /// <summary>The map file, a host path under a simulated host's root.</summary>
    public const string Path = "/.hdiov-sim/libvirt.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private readonly ImmutableDictionary<string, string>? _uris;

    private LibvirtUriMap(ImmutableDictionary<string, string>? uris) => _uris = uris;

    /// <summary>Every URI as written (a real host).</summary>
    public static LibvirtUriMap Identity { get; } = new(null);

    public static LibvirtUriMap For(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!host.IsSimulated)
        {
            return Identity;
        }

        if (!host.Exists(Path))
        {
            return new LibvirtUriMap(ImmutableDictionary<string, string>.Empty);
        }

        try
        {
            var document = JsonSerializer.Deserialize<MapDocument>(host.ReadText(Path), Options);
            return new LibvirtUriMap((document?.Uris ?? []).ToImmutableDictionary(StringComparer.Ordinal));
        }
        catch (JsonException error)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.LibvirtUnavailable,
                DiagnosticSeverity.Error,
                $"the simulated host's libvirt map {Path} is not valid JSON: {error.Message}",
                "write it as { \"uris\": { \"qemu:///system\": \"<the URI to use>\" } }"));
        }
    }

    /// <summary>The URI to open for <paramref name="uri"/>.</summary>
    /// <exception cref="HdIovException">A simulated host maps no libvirt for it (code HDIOV2020).</exception>
    public string Resolve(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (_uris is null || uri.StartsWith("test:", StringComparison.Ordinal))
        {
            return uri;
        }

        return _uris.TryGetValue(uri, out var mapped)
            ? mapped
            : throw new HdIovException(new Diagnostic(
                DiagnosticCodes.LibvirtUnavailable,
                DiagnosticSeverity.Warning,
                $"this simulated host names no libvirt for {uri}, so its VMs are not read or changed",
                $"map it in <host root>{Path} ({{ \"uris\": {{ \"{uri}\": \"<a libvirt URI, e.g. a private libvirtd's qemu+unix:///session?socket=...>\" }} }}) or use a test:/// URI"));
    }

    private sealed record MapDocument(Dictionary<string, string>? Uris);
}
