using System.Text;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Session;

/// <summary>
/// The observation a scoped plan needs: the parents its spec's device entries select, and the parents on which the
/// ledger records VDEVs or attachments of the entries and attached VDEVs the <see cref="PlanScope"/> covers. A whole-host
/// plan observes the whole host.
/// </summary>
internal static class ScopedObservation
{
    public static ObservationScope For(HostSpec spec, PlanScope scope)
    {
        if (scope.IsWholeHost)
        {
            return ObservationScope.WholeHost;
        }

        return ObservationScope.Of(Key(spec, scope), light => Parents(spec, scope, light));
    }

    private static HashSet<string> Parents(HostSpec spec, PlanScope scope, HostState light)
    {
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selected in Planner.Selections(spec, light).Values)
        {
            parents.UnionWith(selected);
        }

        foreach (var entry in light.Ledger.Entries)
        {
            if (scope.CoversDevice(entry.VdevName) || scope.CoversAttachedVdev(entry.VdevName) || scope.Devices.Contains(entry.Entry ?? string.Empty))
            {
                parents.Add(entry.Parent);
            }
        }

        return parents;
    }

    /// <summary>The same text for the same selection: the entries' names and selectors, and the scope's names.</summary>
    private static string Key(HostSpec spec, PlanScope scope)
    {
        var key = new StringBuilder("scoped");
        foreach (var device in spec.Devices.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            key.Append(";device ").Append(device.Name).Append('=').Append(device.Select);
        }

        foreach (var name in scope.Devices.Order(StringComparer.Ordinal))
        {
            key.Append(";covers ").Append(name);
        }

        foreach (var name in scope.AttachedVdevs.Order(StringComparer.Ordinal))
        {
            key.Append(";attached ").Append(name);
        }

        return key.ToString();
    }
}
