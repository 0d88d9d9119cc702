namespace HdIov.PowerShell.Tests.Pester;

/// <summary>
/// A data row of <see cref="PesterSuiteTests"/>: the test file, the test's key in it, and its tags (comma-separated,
/// so the row stays made of strings that xunit serializes and shows).
/// </summary>
internal sealed record PesterRow(string File, string Key, IReadOnlyList<string> Tags, string? SkipReason)
{
    public static object[] ToData(string file, PesterTestResult test) =>
        [file, test.Key, string.Join(',', test.Tags), test.Skip ? "skipped in Pester (-Skip)" : string.Empty];

    public static PesterRow From(object[] data) =>
        new(
            (string)data[0],
            (string)data[1],
            ((string)data[2]).Split(',', StringSplitOptions.RemoveEmptyEntries),
            string.IsNullOrEmpty((string)data[3]) ? null : (string)data[3]);
}
