using System.Text;
using HdIov.Engine.Families;
using HdIov.Engine.Tests.Spec;

namespace HdIov.Engine.Tests.Families;

/// <summary>
/// Only <c>src/HdIov.Engine/Families/&lt;F&gt;/</c> names family F: its device ids, drivers, mdev type fragments and
/// configuration keys (each family lists them as its tokens). The simulated hardware (profile data and the kernel
/// model in <c>Simulation/</c>) is the other side of the driver and may name them.
/// </summary>
public sealed class FamilyTokenRuleTests
{
    private static readonly string[] Exempt = ["src/HdIov.Engine/Simulation/"];

    [Fact]
    public void Families_ListTokens()
    {
        Assert.All(DeviceFamilies.All.Where(f => !ReferenceEquals(f, DeviceFamilies.Generic)), f => Assert.NotEmpty(f.Tokens));
    }

    [Fact]
    public void Source_NamesAFamilyOnlyInItsFolder()
    {
        var violations = Violations();

        Assert.True(violations.Count == 0, Describe("a family is named outside its folder", violations));
    }

    private static List<(string File, int Line, string Token, string Family)> Violations()
    {
        var families = DeviceFamilies.All
            .Select(f => (Folder: "src/HdIov.Engine/Families/" + f.GetType().Namespace![(typeof(DeviceFamilies).Namespace!.Length + 1)..] + "/", f.Name, f.Tokens))
            .ToList();
        var violations = new List<(string, int, string, string)>();
        var src = Path.Combine(RepositoryFiles.Root, "src");
        foreach (var path in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories).Where(IsSource).Order(StringComparer.Ordinal))
        {
            var file = RepositoryFiles.Relative(path).Replace(Path.DirectorySeparatorChar, '/');
            if (Exempt.Any(e => file.StartsWith(e, StringComparison.Ordinal)))
            {
                continue;
            }

            var lines = File.ReadAllLines(path);
            for (var index = 0; index < lines.Length; index++)
            {
                foreach (var (folder, name, tokens) in families.Where(f => !file.StartsWith(f.Folder, StringComparison.Ordinal)))
                {
                    foreach (var token in tokens.Where(t => lines[index].Contains(t, StringComparison.Ordinal)))
                    {
                        violations.Add((file, index + 1, token, name));
                    }
                }
            }
        }

        return violations;
    }

    private static bool IsSource(string path) =>
        !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        && Path.GetExtension(path) is ".cs" or ".ps1" or ".psm1" or ".psd1" or ".ps1xml";

    private static string Describe(string what, List<(string File, int Line, string Token, string Family)> violations)
    {
        var text = new StringBuilder(what).Append(':');
        foreach (var (file, line, token, family) in violations)
        {
            text.Append('\n').Append(file).Append(':').Append(line).Append(": '").Append(token).Append("' belongs to ").Append(family);
        }

        return text.ToString();
    }
}
