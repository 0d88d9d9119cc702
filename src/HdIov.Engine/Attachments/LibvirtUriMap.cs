using System.Collections.Immutable;
using System.Text.Json;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Simulation;

namespace HdIov.Engine.Attachments;

/// <summary>
/// Which libvirt answers for a URI. A real host uses every URI as written. A simulated host names its own in
/// <see cref="Path"/>: <c>"libvirtd"</c> lists the URIs its own libvirtd answers (<see cref="SimulatedLibvirtd"/>,
/// started on first use; <c>New-HdIovSimulatedHost</c> writes <c>{ "libvirtd": [ "qemu:///system" ] }</c>), and
/// <c>"uris"</c> maps a URI to any other libvirt (<c>{ "uris": { "qemu:///system": "qemu+unix:///session?socket=/tmp/x/libvirt-sock" } }</c>),
/// which wins over <c>"libvirtd"</c>. <c>test:</c> URIs (libvirt's in-process test driver) pass through, and any other
/// URI is refused, so a rehearsal never reaches this machine's real VMs.
/// </summary>
public sealed class LibvirtUriMap
{
    /// <summary>The map file, a host path under a simulated host's root.</summary>
    public const string Path = "/.hdiov-sim/libvirt.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private readonly ImmutableDictionary<string, string>? _uris;
    private readonly ImmutableHashSet<string> _own;
    private readonly SimulatedLibvirtd? _daemon;

    private LibvirtUriMap(ImmutableDictionary<string, string>? uris, ImmutableHashSet<string>? own = null, SimulatedLibvirtd? daemon = null)
    {
        _uris = uris;
        _own = daemon is null ? [] : own ?? [];
        _daemon = daemon;
    }

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
            return new LibvirtUriMap(
                (document?.Uris ?? []).ToImmutableDictionary(StringComparer.Ordinal),
                (document?.Libvirtd ?? []).ToImmutableHashSet(StringComparer.Ordinal),
                (host as SimulatedHost)?.Libvirtd);
        }
        catch (JsonException error)
        {
            throw new HdIovException(new Diagnostic(
                DiagnosticCodes.LibvirtUnavailable,
                DiagnosticSeverity.Error,
                $"the simulated host's libvirt map {Path} is not valid JSON: {error.Message}",
                "write it as { \"libvirtd\": [ \"qemu:///system\" ] } (the host's own libvirtd) or { \"uris\": { \"qemu:///system\": \"<the URI to use>\" } }"));
        }
    }

    /// <summary>Whether the simulated host's own libvirtd answers <paramref name="uri"/>.</summary>
    public bool IsOwnLibvirtd(string uri) =>
        _daemon is not null && _own.Contains(uri) && _uris?.ContainsKey(uri) != true && !uri.StartsWith("test:", StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="uri"/> is answered by a simulated host's own libvirtd that has never started: its only
    /// domains are the profile's, which hold no device, so reading it for holders would start a daemon to learn nothing.
    /// </summary>
    public bool IsDormant(string uri) => IsOwnLibvirtd(uri) && !_daemon!.HasStarted;

    /// <summary>The URI to open for <paramref name="uri"/>; the simulated host's own libvirtd is started when it does not run.</summary>
    /// <exception cref="HdIovException">A simulated host maps no libvirt for it (code HDIOV2020), or its own libvirtd did not start (HDIOV3008).</exception>
    public string Resolve(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (_uris is null || uri.StartsWith("test:", StringComparison.Ordinal))
        {
            return uri;
        }

        if (IsOwnLibvirtd(uri))
        {
            return _daemon!.EnsureRunning();
        }

        return _uris.TryGetValue(uri, out var mapped)
            ? mapped
            : throw new HdIovException(new Diagnostic(
                DiagnosticCodes.LibvirtUnavailable,
                DiagnosticSeverity.Warning,
                $"this simulated host names no libvirt for {uri}, so its VMs are not read or changed",
                $"name it in <host root>{Path}: {{ \"libvirtd\": [ \"{uri}\" ] }} for the host's own libvirtd, or {{ \"uris\": {{ \"{uri}\": \"<a libvirt URI, e.g. qemu+unix:///session?socket=...>\" }} }}; or use a test:/// URI"));
    }

    private sealed record MapDocument(Dictionary<string, string>? Uris, List<string>? Libvirtd);
}
