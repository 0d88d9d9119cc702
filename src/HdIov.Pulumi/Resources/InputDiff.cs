using HdIov.Pulumi.Rpc;
using HdIov.Pulumi.Values;

namespace HdIov.Pulumi.Resources;

/// <summary>
/// Diff over inputs: old inputs against new checked inputs (never against outputs), secret and plain forms of the
/// same value count as equal, replace keys give *_REPLACE, and ignoreChanges paths are left out.
/// </summary>
internal static class InputDiff
{
    public static DiffResponse Compute(
        PropertyMap olds,
        PropertyMap news,
        IEnumerable<string> keys,
        IReadOnlySet<string> replaceKeys,
        bool deleteBeforeReplace,
        IEnumerable<string>? ignoreChanges = null) =>
        Compute(olds, news, keys, (key, _, _) => replaceKeys.Contains(key), deleteBeforeReplace, ignoreChanges);

    /// <summary>The diff with <paramref name="replaces"/> deciding, per changed key and its two values, whether the change forces a replacement.</summary>
    public static DiffResponse Compute(
        PropertyMap olds,
        PropertyMap news,
        IEnumerable<string> keys,
        Func<string, PropertyValue?, PropertyValue?, bool> replaces,
        bool deleteBeforeReplace,
        IEnumerable<string>? ignoreChanges = null)
    {
        var ignored = new HashSet<string>(ignoreChanges ?? [], StringComparer.Ordinal);
        var response = new DiffResponse { HasDetailedDiff = true };
        foreach (var key in keys.Concat(olds.Keys).Concat(news.Keys).Distinct(StringComparer.Ordinal).Where(k => k != "version" && !ignored.Contains(k)))
        {
            var before = olds.Get(key)?.Reveal();
            var after = news.Get(key)?.Reveal();
            if (before is null && after is null)
            {
                continue;
            }

            if (before is not null && after is not null && before.Equals(after) && !after.ContainsUnknown)
            {
                continue;
            }

            var replace = replaces(key, before, after);
            var kind = (before, after) switch
            {
                (null, _) => replace ? PropertyDiff.Types.Kind.AddReplace : PropertyDiff.Types.Kind.Add,
                (_, null) => replace ? PropertyDiff.Types.Kind.DeleteReplace : PropertyDiff.Types.Kind.Delete,
                _ => replace ? PropertyDiff.Types.Kind.UpdateReplace : PropertyDiff.Types.Kind.Update,
            };
            response.Diffs.Add(key);
            response.DetailedDiff[key] = new PropertyDiff { Kind = kind, InputDiff = true };
            if (replace)
            {
                response.Replaces.Add(key);
            }
        }

        response.Changes = response.Diffs.Count > 0 ? DiffResponse.Types.DiffChanges.DiffSome : DiffResponse.Types.DiffChanges.DiffNone;
        response.DeleteBeforeReplace = deleteBeforeReplace && response.Replaces.Count > 0;
        return response;
    }

    /// <summary>Inputs unchanged but the host differs from them: an update (reported on the given input) converges it again.</summary>
    public static DiffResponse Drift(string key)
    {
        var response = new DiffResponse { HasDetailedDiff = true, Changes = DiffResponse.Types.DiffChanges.DiffSome };
        response.Diffs.Add(key);
        response.DetailedDiff[key] = new PropertyDiff { Kind = PropertyDiff.Types.Kind.Update, InputDiff = false };
        return response;
    }
}
