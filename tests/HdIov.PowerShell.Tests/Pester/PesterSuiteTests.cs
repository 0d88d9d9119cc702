namespace HdIov.PowerShell.Tests.Pester;

/// <summary>
/// The Pester suite (tests/pester) run in this process against the laid-out module: one xunit test per Pester test,
/// selected by the same Category filter as every other test (a Pester test's categories are its tags).
/// </summary>
public sealed class PesterSuiteTests
{
    public static TheoryData<string, string, string, string> Tests()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var file in PesterSuite.Files())
        {
            foreach (var test in PesterSuite.Discover(file))
            {
                var row = PesterRow.ToData(file, test);
                data.Add((string)row[0], (string)row[1], (string)row[2], (string)row[3]);
            }
        }

        return data;
    }

    [PesterTheory]
    [MemberData(nameof(Tests))]
    public void Pester(string file, string test, string tags, string skip)
    {
        _ = tags;
        _ = skip;
        var result = PesterSuite.Result(file, test);
        Assert.True(result.Result == "Passed", $"{file}: {test}: {result.Result}{Environment.NewLine}{result.Message}");
    }
}
