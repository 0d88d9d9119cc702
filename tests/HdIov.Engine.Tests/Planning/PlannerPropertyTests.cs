using System.Text.RegularExpressions;
using CsCheck;
using HdIov.Engine.Discovery;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;
using HdIov.Engine.Tests.Spec;
using HdIov.Engine.Tests.Testing;

namespace HdIov.Engine.Tests.Planning;

/// <summary>
/// Generated and damaged documents through the loader and, when they load, the planner against the states of a
/// fresh spr-qat-e810 and mtty-lab host (each observed once: planning is pure). The planner never throws anything
/// but <see cref="PlanRejectedException"/>, every refusal is coded, explained, has a fix and points into the
/// document, and every plan it makes is well-formed.
/// </summary>
[Trait("Category", "Planning")]
[Trait("Category", "Laws")]
public sealed partial class PlannerPropertyTests
{
    private static readonly HostState[] States = [FreshStates.Of("spr-qat-e810"), FreshStates.Of("mtty-lab")];

    [Fact]
    public void Plan_HostAwareDocuments_Whole_And_Damaged_OnlyRefuseWithLocatedDiagnostics()
    {
        var documents = Gen.OneOf(States.Select(s => HostAwareSpecGenerators.For(s).Select(SpecWriter.Write)).ToArray());
        Gen.Frequency((1, documents), (1, SpecMutations.Mutated(documents))).Sample(LoadAndPlan, iter: 8_000, print: text => text);
    }

    [Fact]
    public void Plan_GeneratedDocuments_Whole_And_Damaged_OnlyRefuseWithLocatedDiagnostics()
    {
        var documents = SpecGenerators.Host.Select(SpecWriter.Write);
        Gen.Frequency((1, documents), (1, SpecMutations.Mutated(documents))).Sample(LoadAndPlan, iter: 2_000, print: text => text);
    }

    private static void LoadAndPlan(string text)
    {
        var loaded = SpecLoader.LoadText(text, "generated.yaml");
        if (!loaded.Succeeded)
        {
            return;
        }

        foreach (var state in States)
        {
            Plan? plan = null;
            try
            {
                plan = Planner.Plan(loaded.Spec!, state);
            }
            catch (PlanRejectedException refused)
            {
                Assert.NotEmpty(refused.Diagnostics);
                Assert.All(refused.Diagnostics, d =>
                {
                    Assert.Matches(CodePattern(), d.Code);
                    Assert.False(string.IsNullOrWhiteSpace(d.Message));
                    Assert.False(string.IsNullOrWhiteSpace(d.Hint));
                    Assert.StartsWith("spec.", d.KeyPath, StringComparison.Ordinal);
                });
            }

            if (plan is not null)
            {
                Assert.Equal(state.Fingerprint, plan.ObservedFingerprint);
                Assert.Equal(Enumerable.Range(1, plan.Steps.Length), plan.Steps.Select(s => s.Id));
                Assert.All(plan.Steps, s => Assert.All(s.DependsOn, d => Assert.InRange(d, 1, s.Id - 1)));
            }
        }
    }

    [GeneratedRegex(@"^HDIOV[1-4]\d{3}$")]
    private static partial Regex CodePattern();
}
