using System.Globalization;
using System.Text;

namespace HdIov.Engine.Planning;

/// <summary>Renders a plan for people, the way Terraform does: one line per step with +, - or ~, disruptions called out.</summary>
public static class PlanRenderer
{
    public static string Render(Plan plan)
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
        var width = Math.Min(40, plan.Steps.Max(s => s.Address.Length));
        foreach (var step in plan.Steps)
        {
            text.Append("  ").Append(step.Symbol).Append(' ').Append(step.Address.PadRight(width)).Append("  ").Append(step.Description);
            if (step.Before is not null || step.After is not null)
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

    private static void AppendWarnings(Plan plan, StringBuilder text)
    {
        foreach (var warning in plan.Warnings)
        {
            text.Append("Warning: ").AppendLine(warning.ToString());
        }
    }
}
