namespace HdIov.Bench;

/// <summary>The fleet benchmarks' per-host spec: <c>mtty.yaml</c>, a few mtty-1 VDEVs, so every host has a little to do.</summary>
internal static class MttySpecFile
{
    public const string Name = "mtty.yaml";

    /// <summary>Writes the spec with <paramref name="count"/> VDEVs into <paramref name="directory"/>.</summary>
    public static void Write(string directory, int count) =>
        File.WriteAllText(Path.Combine(directory, Name), $"""
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata: {"{"} name: template {"}"}
            spec:
              devices:
                - name: tty
                  select: {"{"} parent: mtty {"}"}
                  mode: siov
                  vdevs: {"{"} mtty-1: {count} {"}"}
            """);
}
