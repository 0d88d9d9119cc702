using Xunit.Sdk;

namespace HdIov.PowerShell.Tests.Pester;

/// <summary>
/// A theory over Pester tests: each data row (file, key) becomes one xunit test whose Category traits are the Pester
/// test's tags (its own and its blocks'), and a test Pester marks -Skip is a skipped row.
/// </summary>
[XunitTestCaseDiscoverer("HdIov.PowerShell.Tests.Pester.PesterTheoryDiscoverer", "HdIov.PowerShell.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class PesterTheoryAttribute : TheoryAttribute;
