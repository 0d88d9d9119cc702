using Xunit.Abstractions;
using Xunit.Sdk;

namespace HdIov.PowerShell.Tests.Pester;

/// <summary>Gives each Pester test of a <see cref="PesterTheoryAttribute"/> row its tags as Category traits.</summary>
public sealed class PesterTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
    {
        ArgumentNullException.ThrowIfNull(dataRow);
        var row = PesterRow.From(dataRow);
        if (row.SkipReason is not null)
        {
            return CreateTestCasesForSkippedDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow, row.SkipReason);
        }

        var testCases = base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow).ToList();
        foreach (var testCase in testCases)
        {
            if (!testCase.Traits.TryGetValue("Category", out var categories))
            {
                testCase.Traits["Category"] = categories = [];
            }

            categories.AddRange(row.Tags.Except(categories, StringComparer.OrdinalIgnoreCase));
        }

        return testCases;
    }
}
