using System.Globalization;
using System.Text;
using System.Xml;

namespace HdIov.Engine.Fleet.Rollout;

/// <summary>
/// A rollout as CI systems read it. JUnit XML: one <c>testsuite</c> per wave (with <c>hostname</c> and
/// <c>timestamp</c>), one <c>testcase</c> per host (<c>classname="fleet.GROUP"</c>, <c>name=HOST</c>), a failed host
/// as <c>failure</c>, an unreachable or interrupted one as <c>error</c>, one not attempted as <c>skipped</c> with the
/// reason, so the test count is the fleet's size. Markdown: a summary for a pipeline's step summary.
/// </summary>
public static class RolloutReports
{
    public static string JUnit(RolloutSummary summary, IReadOnlyDictionary<int, DateTimeOffset> waveStarts)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(waveStarts);
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8, OmitXmlDeclaration = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", $"fleet rollout {summary.FleetName}");
            xml.WriteAttributeString("tests", Number(summary.Hosts.Length));
            xml.WriteAttributeString("failures", Number(summary.Hosts.Count(IsFailure)));
            xml.WriteAttributeString("errors", Number(summary.Hosts.Count(IsError)));
            xml.WriteAttributeString("time", Seconds(summary.Duration));
            foreach (var wave in summary.Hosts.GroupBy(h => h.Wave).OrderBy(w => w.Key))
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", $"wave {wave.Key}");
                xml.WriteAttributeString("tests", Number(wave.Count()));
                xml.WriteAttributeString("failures", Number(wave.Count(IsFailure)));
                xml.WriteAttributeString("errors", Number(wave.Count(IsError)));
                xml.WriteAttributeString("skipped", Number(wave.Count(h => h.Status == HostRolloutStatus.Skipped)));
                xml.WriteAttributeString("time", Seconds(TimeSpan.FromTicks(wave.Max(h => h.Duration.Ticks))));
                xml.WriteAttributeString("timestamp", (waveStarts.TryGetValue(wave.Key, out var started) ? started : summary.Started).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
                xml.WriteAttributeString("hostname", Environment.MachineName);
                xml.WriteAttributeString("id", Number(wave.Key - 1));
                foreach (var host in wave)
                {
                    WriteCase(xml, host);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        // XmlWriter over a StringBuilder declares utf-16; the file is written as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + "\n";
    }

    public static string Markdown(RolloutSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## Fleet rollout `{summary.FleetName}`: {Outcome(summary.Outcome)}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Rollout `{summary.RolloutId}`, {summary.Hosts.Length} hosts, {Seconds(summary.Duration)} s.\n\n");
        if (summary.HaltReason is { } reason)
        {
            text.Append(CultureInfo.InvariantCulture, $"> **{(summary.Outcome == RolloutOutcome.HaltedAtGate ? "Stopped" : "Halted")}{(summary.HaltedAtWave is { } wave ? $" at wave {wave}" : string.Empty)}:** {Cell(reason)}\n\n");
        }

        text.Append("| status | hosts |\n|---|---:|\n");
        foreach (var status in Enum.GetValues<HostRolloutStatus>())
        {
            var count = summary.Count(status);
            if (count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {status} | {count} |\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"\nFailures: {summary.Failures.Unreachable} unreachable, {summary.Failures.ApplyFailed} apply failed, {summary.Failures.HealthFailed} health failed.\n\n");
        text.Append("| wave | host | group | status | steps | reboots | pending reboot | duration | error |\n|---:|---|---|---|---:|---:|---|---:|---|\n");
        foreach (var host in summary.Hosts)
        {
            var error = host.ErrorCode is { } code ? $"{code}: {host.Message}" : host.Message ?? string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"| {host.Wave} | {Cell(host.HostName)} | {Cell(host.Group)} | {host.Status} | {host.StepsDone} | {host.Reboots} | {(host.PendingReboot ? "yes" : "no")} | {Seconds(host.Duration)} s | {Cell(error)} |\n");
        }

        return text.ToString();
    }

    private static void WriteCase(XmlWriter xml, HostRolloutResult host)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("name", host.HostName);
        xml.WriteAttributeString("classname", $"fleet.{host.Group}");
        xml.WriteAttributeString("time", Seconds(host.Duration));
        var message = host.ErrorCode is { } code ? $"{code}: {host.Message}" : host.Message ?? host.Status.ToString();
        switch (host.Status)
        {
            case HostRolloutStatus.Failed:
                Outcome(xml, "failure", host.Cause?.ToString() ?? "Failed", message);
                break;
            case HostRolloutStatus.Unreachable:
                Outcome(xml, "error", "Unreachable", message);
                break;
            case HostRolloutStatus.Halted:
                Outcome(xml, "error", "Halted", "halted: " + message);
                break;
            case HostRolloutStatus.Skipped:
                Outcome(xml, "skipped", null, message);
                break;
            default:
                break;
        }

        xml.WriteElementString("system-out", string.Create(
            CultureInfo.InvariantCulture,
            $"status {host.Status}; steps {host.StepsDone}; reboots {host.Reboots}; pending reboot {(host.PendingReboot ? "yes" : "no")}; spec {host.SpecHash}{(host.Status is HostRolloutStatus.Converged or HostRolloutStatus.Unchanged && host.Message is { } note ? "; " + note : string.Empty)}"));
        xml.WriteEndElement();
    }

    private static void Outcome(XmlWriter xml, string element, string? type, string message)
    {
        xml.WriteStartElement(element);
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteAttributeString("message", message);
        xml.WriteString(message);
        xml.WriteEndElement();
    }

    private static bool IsFailure(HostRolloutResult host) => host.Status == HostRolloutStatus.Failed;

    private static bool IsError(HostRolloutResult host) => host.Status is HostRolloutStatus.Unreachable or HostRolloutStatus.Halted;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Outcome(RolloutOutcome outcome) => outcome switch
    {
        RolloutOutcome.Completed => "completed",
        RolloutOutcome.Halted => "halted by a failure budget",
        RolloutOutcome.HaltedAtGate => "stopped at a manual gate",
        RolloutOutcome.Declined => "a wave was declined",
        _ => "cancelled",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
