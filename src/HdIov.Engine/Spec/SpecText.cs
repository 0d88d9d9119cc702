using System.Globalization;
using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Spec;

/// <summary>How the loader echoes untrusted text and suggests the name a user probably meant.</summary>
internal static class SpecText
{
    /// <summary>
    /// A form of a value from the document that is safe to print: cut to 80 characters, control characters as
    /// <c>\xNN</c> (<see cref="HostPath.Printable"/>), and anything outside printable ASCII as <c>\uNNNN</c>, so a
    /// look-alike digit or a right-to-left mark shows as what it is.
    /// </summary>
    public static string Show(string value)
    {
        var printable = HostPath.Printable(value);
        if (printable.All(c => c is >= ' ' and <= '~'))
        {
            return printable;
        }

        var shown = new StringBuilder(printable.Length + 16);
        foreach (var c in printable)
        {
            if (c is >= ' ' and <= '~')
            {
                shown.Append(c);
            }
            else
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return shown.ToString();
    }

    /// <summary>The candidate closest to <paramref name="value"/> if it is a plausible typo of it (case-insensitive edit distance).</summary>
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        if (value.Length > 64)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(value.ToLowerInvariant(), candidate.ToLowerInvariant());
            var allowed = Math.Max(1, Math.Min(3, candidate.Length / 3));
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>"did you mean 'x'? " when a candidate is close, else nothing; followed by the allowed set.</summary>
    public static string SuggestionHint(string value, IReadOnlyCollection<string> candidates, string what)
    {
        var closest = Closest(value, candidates);
        var allowed = $"{what}: {string.Join(", ", candidates)}";
        return closest is null ? allowed : $"did you mean '{closest}'? {allowed}";
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int EditDistance(string a, string b)
    {
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], previous2[j - 2] + 1);
                }
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
