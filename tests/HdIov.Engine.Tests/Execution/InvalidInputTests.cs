using HdIov.Engine.Diagnostics;
using HdIov.Engine.Tests.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Execution;

/// <summary>DESIGN §6: an invalid spec changes nothing on the host, and the user gets located diagnostics instead.</summary>
[Trait("Category", "Execution")]
public sealed class InvalidInputTests : IClassFixture<InvalidInputTests.SprHost>
{
    private readonly SprHost _host;

    public InvalidInputTests(SprHost host) => _host = host;

    public static TheoryData<string> InvalidExamples => new(RepositoryFiles.InvalidExamples.Select(RepositoryFiles.Relative));

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void LoadPlanApply_InvalidExample_StopsAtTheLoader_AndChangesNothing(string example)
    {
        var before = TreeSnapshot.Take(_host.Sim.Root, ".hdiov-sim");

        var diagnostics = UserFlow.LoadPlanApply(Path.Combine(RepositoryFiles.Root, example), _host.Sim.Host);

        Assert.Contains(diagnostics, d => d.IsError);
        Assert.All(diagnostics, d => Assert.IsType<SourceLocation>(d.Location));
        Assert.Equal(string.Empty, TreeSnapshot.Difference(before, TreeSnapshot.Take(_host.Sim.Root, ".hdiov-sim")));
    }

    /// <summary>One spr-qat-e810 host for every invalid example: none of them may change it.</summary>
    public sealed class SprHost : IDisposable
    {
        public TemporarySimulatedHost Sim { get; } = TemporarySimulatedHost.Create("spr-qat-e810");

        public void Dispose() => Sim.Dispose();
    }
}
