using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>
/// A host as a rollout carries it: its group, its spec rendered to text (what a target receives) and the text's hash
/// (what a resume compares), or the diagnostics that kept the spec from rendering.
/// </summary>
public sealed record RolloutHost(AssignedHost Assigned, string? SpecText, string SpecHash, ImmutableArray<HostError> SpecErrors)
{
    public string Name => Assigned.Host.Name;

    public string Group => Assigned.Group.Name;

    public static RolloutHost Render(AssignedHost assigned)
    {
        ArgumentNullException.ThrowIfNull(assigned);
        var (text, diagnostics) = assigned.Group.Spec.RenderText(assigned.Host, assigned.Group.Values);
        return text is null
            ? new RolloutHost(assigned, null, string.Empty, [.. diagnostics.Where(d => d.IsError).Select(d => new HostError(d.Code, d.Location is { } at ? $"{at}: {d.Message}" : d.Message, d.Hint))])
            : new RolloutHost(assigned, text, Hash(text), []);
    }

    /// <summary><c>sha256:</c> and the lowercase hex SHA-256 of the text's UTF-8 bytes.</summary>
    public static string Hash(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
