using System.Globalization;
using System.Text;

namespace HdIov.Engine.Planning;

/// <summary>
/// Renders a plan for people, the way Terraform does: +, - or ~, the address and what the step does, disruptions
/// called out. Consecutive steps of one kind on one parent that disrupt nothing share a line with their address range
/// and count (<c>+ tty/0/mtty-1/0..23  create 24 mtty-1 on mtty</c>), so a plan for hundreds of VDEVs
/// stays readable; <c>detailed</c> gives every step its own line.
/// </summary>
public static class PlanRenderer
{
    public static string Render(Plan plan, bool detailed = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Plan for host '{plan.HostName}' (observed state {plan.ObservedFingerprint})").AppendLine();
        if (plan.IsEmpty)
        {
            text.AppendLine("No changes. The host matches the spec.");
            AppendWarnings(plan, text);
            return text.ToString();
        }

        text.AppendLine();
        var lines = detailed ? [.. plan.Steps.Select(s => new StepRun([s]))] : Runs(plan.Steps);
        var width = Math.Min(40, lines.Max(l => l.Address.Length));
        foreach (var line in lines)
        {
            var step = line.First;
            text.Append("  ").Append(step.Symbol).Append(' ').Append(line.Address.PadRight(width)).Append("  ").Append(line.Description);
            if (line.Steps.Count == 1 && (step.Before is not null || step.After is not null))
            {
                text.Append(CultureInfo.InvariantCulture, $"  [{step.Before ?? "(none)"} -> {step.After ?? "(none)"}]");
            }

            text.AppendLine();
            if (step.Disruption != Disruption.None)
            {
                text.Append("      ! ").Append(Label(step.Disruption)).Append(": ").AppendLine(step.Reason);
            }

            if (step.Disruption == Disruption.HostReboot && step != plan.Steps[^1])
            {
                text.AppendLine("  ---- reboot barrier: the steps below run when the host has rebooted and the spec is applied again ----");
            }
        }

        var adds = plan.Steps.Count(s => s.Action == StepAction.Create);
        var changes = plan.Steps.Count(s => s.Action == StepAction.Update);
        var removes = plan.Steps.Count(s => s.Action == StepAction.Delete);
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Plan: {adds} to add, {changes} to change, {removes} to remove.");
        var disruptive = plan.Steps.Count(s => s.Disruption != Disruption.None);
        text.Append(disruptive == 0
            ? " No disruption."
            : string.Create(CultureInfo.InvariantCulture, $" Highest disruption: {Label(plan.HighestDisruption)} ({disruptive} steps disrupt something)."));
        text.AppendLine();
        AppendWarnings(plan, text);
        return text.ToString();
    }

    public static string Label(Disruption disruption) => disruption switch
    {
        Disruption.DeviceReset => "device reset",
        Disruption.VmRestart => "VM restart",
        Disruption.HostReboot => "host reboot",
        _ => "none",
    };

    /// <summary>The plan's steps in order, consecutive steps that share a <see cref="GroupOf"/> key taken together.</summary>
    private static List<StepRun> Runs(IReadOnlyList<PlanStep> steps)
    {
        var runs = new List<StepRun>();
        foreach (var step in steps)
        {
            var group = GroupOf(step);
            if (group is not null && runs.Count > 0 && runs[^1].Group == group)
            {
                runs[^1].Steps.Add(step);
            }
            else
            {
                runs.Add(new StepRun([step]) { Group = group });
            }
        }

        return runs;
    }

    /// <summary>
    /// What a step shares with the steps it may be shown with, and how to describe <c>n</c> of them; null for a step that
    /// always has its own line (it disrupts something, or its kind is not repeated per device).
    /// </summary>
    private static StepGroup? GroupOf(PlanStep step) => step.Disruption != Disruption.None ? null : step.Operation switch
    {
        CreateMdev o => new($"create {o.Parent} {o.Type} {o.Persist}", n => $"create {n} {o.Type} on {o.Parent}"),
        RemoveMdev o => new($"remove {o.Parent} {o.Type}", n => $"remove {n} {o.Type} from {o.Parent}"),
        PersistMdev o => new($"persist {o.Parent} {o.Type} {o.Persist}", n => $"persist {n} {o.Type} on {o.Parent} ({o.Persist})"),
        AdoptMdev o => new($"adopt {o.Parent} {o.Type}", n => $"adopt {n} {o.Type} on {o.Parent}"),
        BindVfDriver o => new($"bind {o.Driver}", n => $"bind {n} VFs to {o.Driver}"),
        AttachVdevToVm o => new($"attach {o.Uri} {o.Domain} {o.Scope} {o.Live}", n => $"attach {n} devices to VM {o.Domain} ({AttachmentScopes.Describe(o.Scope)})"),
        DetachVdevFromVm o => new($"detach {o.Uri} {o.Domain} {o.Scope}", n => $"detach {n} devices from VM {o.Domain} ({AttachmentScopes.Describe(o.Scope)})"),
        RecordAttachment => new("record attachment", n => $"record {n} attachments"),
        ForgetAttachment => new("forget attachment", n => $"forget {n} attachments"),
        _ => null,
    };

    /// <summary>
    /// The addresses of a run: <c>tty/0/mtty-1/0..23</c> when they differ only in a consecutive numeric last
    /// segment, <c>tty/0/mtty-1/{0,2,5}</c> for a few that are not consecutive, otherwise the first and the last.
    /// </summary>
    private static string AddressRange(IReadOnlyList<PlanStep> steps)
    {
        var first = steps[0].Address;
        var last = steps[^1].Address;
        var slash = first.LastIndexOf('/');
        var prefix = slash < 0 ? string.Empty : first[..(slash + 1)];
        var numbers = steps.Select(s => s.Address.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(s.Address.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).ToList();
        if (numbers.All(n => n is not null))
        {
            var values = numbers.Select(n => n!.Value).ToList();
            var consecutive = values.Zip(values.Skip(1)).All(p => p.Second == p.First + 1);
            if (consecutive)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{prefix}{values[0]}..{values[^1]}");
            }

            if (values.Count <= 8)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{prefix}{{{string.Join(',', values)}}}");
            }
        }

        return $"{first} .. {last}";
    }

    private static void AppendWarnings(Plan plan, StringBuilder text)
    {
        foreach (var warning in plan.Warnings)
        {
            text.Append("Warning: ").AppendLine(warning.ToString());
        }
    }

    private sealed record StepGroup(string Key, Func<int, string> Describe)
    {
        public bool Equals(StepGroup? other) => other is not null && other.Key == Key;

        public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
    }

    private sealed record StepRun(List<PlanStep> Steps)
    {
        public StepGroup? Group { get; init; }

        public PlanStep First => Steps[0];

        public string Address => Steps.Count == 1 ? First.Address : AddressRange(Steps);

        public string Description => Steps.Count == 1 || Group is null ? First.Description : Group.Describe(Steps.Count);
    }
}
