using HdIov.Engine.Fleet;

namespace HdIov.Engine.Tests.Fleet;

/// <summary>Fleet documents written into a temporary folder (with the files they name) and loaded from there.</summary>
internal sealed class FleetText : IDisposable
{
    public const string MttySpec = """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata:
          name: ${host.name}
        spec:
          devices:
            - name: tty
              select: { parent: mtty }
              mode: siov
              vdevs: { mtty-1: ${values.ports} }
        """;

    public FleetText()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("hdiov-fleet-").FullName;
    }

    public string Directory { get; }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public FleetLoadResult Load(string yaml) => FleetLoader.LoadFile(Write("fleet.yaml", yaml));

    public FleetSpec Valid(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Fleet!;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>A fleet of <paramref name="hosts"/> local hosts with role=lab and one group over them.</summary>
    public static string LocalFleet(int hosts, string strategy = "") =>
        $$"""
        apiVersion: hdiov.dev/v1alpha1
        kind: Fleet
        metadata: { name: test-fleet }
        spec:
          hosts:
        {{string.Concat(Enumerable.Range(1, hosts).Select(i => $"    - {{ name: h{i:D3}, transport: {{ local: {{ root: ./h{i:D3} }} }}, labels: {{ role: lab }}, values: {{ ports: {i % 4 + 1} }} }}\n"))}}
          groups:
            - name: lab
              selector: { matchLabels: { role: lab } }
              spec: { path: ./mtty.yaml }
        {{strategy}}
        """;
}
