using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;

namespace HdIov.Engine.Planning;

/// <summary>
/// VDEVs of several types on one parent, checked together. The kernel shows each type's <c>available_instances</c> on its
/// own, but the types of a parent draw on one pool (mtty's 24 ports: <c>mtty-1</c> takes one, <c>mtty-2</c> two). Each
/// type takes a fixed number of the smallest type's shares: the type with the most available instances takes one, and a
/// type with <c>a</c> available takes round(most / a) (the kernel rounds each count down, so 15 free ports show 15 and 7).
/// The plan fits when the shares it creates, less those it removes, are at most the free ones: exact for mtty.
/// </summary>
internal static class SharedCapacity
{
    public static void Check(PlanContext context, SplitTarget target, MdevParent parent, SplitOutcome outcome)
    {
        var types = parent.Types
            .Where(t => t.Available.Count is > 0)
            .Select(t => (t.Id, Available: t.Available.Count!.Value, Creates: outcome.CreatesOf(t.Id), Removes: outcome.RemovesOf(t.Id)))
            .ToList();
        var creating = types.Where(t => t.Creates > 0).ToList();
        if (creating.Count < 2 || creating.Any(t => t.Creates > t.Available + t.Removes))
        {
            return;
        }

        var free = types.Max(t => t.Available);
        int SharesOf(int available) => (int)Math.Round((double)free / available, MidpointRounding.AwayFromZero);
        var needed = types.Sum(t => (t.Creates - t.Removes) * SharesOf(t.Available));
        if (needed <= free)
        {
            return;
        }

        var terms = string.Join(" + ", creating.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Creates} {t.Id} ({t.Available} available, {SharesOf(t.Available)} share{(SharesOf(t.Available) == 1 ? string.Empty : "s")} each)")));
        context.Error(
            DiagnosticCodes.CapacityExceeded,
            string.Create(CultureInfo.InvariantCulture, $"{target.Label}: its mdev types share one pool, and {terms} need {needed} of its {free} free shares"),
            "lower the counts so the types fit together (each type's available_instances counts the whole free pool), or free instances on the parent",
            target,
            ".vdevs");
    }
}
