using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary>The checks every part of a v1alpha1 document shares: names, ranges, enumerations, repeats.</summary>
internal sealed class ValueRules(DiagnosticBag diagnostics)
{
    private const string NameRule = "use 1 to 63 ASCII letters, digits, '-', '_' or '.', starting with a letter or digit, without '..'";

    public DiagnosticBag Diagnostics => diagnostics;

    /// <summary>A name that will become part of a path or a UUID (<see cref="Names.IsValid"/>), else HDIOV1008.</summary>
    public string? Name(Located<string> name, string what)
    {
        if (Names.IsValid(name.Value))
        {
            return name.Value;
        }

        diagnostics.Error(
            DiagnosticCodes.InvalidName,
            name,
            $"'{SpecText.Show(name.Value)}' is not a valid {what}",
            name.Value.Length > Names.MaxLength ? $"shorten it to at most {Names.MaxLength} characters; {NameRule}" : NameRule);
        return null;
    }

    public int? InRange(Located<long> value, int min, int max, string what)
    {
        if (value.Value >= min && value.Value <= max)
        {
            return (int)value.Value;
        }

        diagnostics.Error(
            DiagnosticCodes.InvalidValue,
            value,
            string.Create(CultureInfo.InvariantCulture, $"{value.Value} is out of range for {what}"),
            string.Create(CultureInfo.InvariantCulture, $"use a number from {min} to {max}"));
        return null;
    }

    /// <summary>One of a fixed set of words (exact case), else HDIOV1006 with the closest word as a hint.</summary>
    public T? Choice<T>(Located<string> value, (string Text, T Value)[] options, string what)
        where T : struct
    {
        foreach (var (text, result) in options)
        {
            if (string.Equals(value.Value, text, StringComparison.Ordinal))
            {
                return result;
            }
        }

        diagnostics.Error(
            DiagnosticCodes.InvalidValue,
            value,
            $"'{SpecText.Show(value.Value)}' is not one of the {what}",
            SpecText.SuggestionHint(value.Value, [.. options.Select(o => o.Text)], $"the {what} are"));
        return null;
    }

    public string? Word(Located<string> value, string[] words, string what) =>
        Choice(value, [.. words.Select((word, index) => (word, index))], what) is { } index ? words[index] : null;

    /// <summary>True the first time a key is seen; a repeat is reported at its own position, naming the first.</summary>
    public bool FirstOf<TKey, TValue>(Dictionary<TKey, SourceLocation> seen, TKey key, Located<TValue> at, string what, string code)
        where TKey : notnull
    {
        if (seen.TryGetValue(key, out var first))
        {
            diagnostics.Error(code, at, $"{what} is listed twice (first at line {first.Line}, column {first.Column})", "remove the repeated entry");
            return false;
        }

        seen.Add(key, at.Location);
        return true;
    }
}
