using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Fleet;

/// <summary>
/// Reads a fleet document tree into a <see cref="FleetSpec"/>: the keys each mapping may hold, value types and
/// ranges, relative paths resolved against the document's folder, and the hosts of an Ansible inventory merged in.
/// </summary>
internal sealed partial class FleetDocumentReader(DiagnosticBag diagnostics, string fileName, string text, string baseDirectory)
{
    public static readonly string[] RootKeys = ["apiVersion", "kind", "metadata", "spec"];
    public static readonly string[] MetadataKeys = ["name"];
    public static readonly string[] SpecKeys = ["inventory", "hosts", "groups", "strategy"];
    public static readonly string[] InventoryKeys = ["path", "knownHostsFile"];
    public static readonly string[] HostKeys = ["name", "address", "transport", "labels", "values"];
    public static readonly string[] TransportKeys = ["local", "ssh"];
    public static readonly string[] LocalKeys = ["root"];
    public static readonly string[] SshKeys = ["host", "port", "user", "keyFile", "knownHostsFile"];
    public static readonly string[] GroupKeys = ["name", "selector", "spec", "values", "health"];
    public static readonly string[] SelectorKeys = ["matchLabels", "inventoryGroup"];
    public static readonly string[] GroupSpecKeys = ["path", "inline"];
    public static readonly string[] HealthKeys = ["command", "timeout"];
    public static readonly string[] StrategyKeys = ["waves", "throttle", "maxUnavailable", "failureBudget", "pause", "order", "seed", "canaries", "timeouts", "reboot", "onHeldDevice"];
    public static readonly string[] BudgetsKeys = ["perWave", "fleet"];
    public static readonly string[] BudgetKeys = ["unreachable", "applyFailed", "healthFailed", "any"];
    public static readonly string[] TimeoutKeys = ["connect", "host"];
    public static readonly string[] RebootKeys = ["policy", "maxPerHost"];

    private static readonly string[] Orders = ["inventory", "sorted", "shuffle"];
    private static readonly string[] Canaries = ["none", "hardware"];
    private static readonly string[] RebootPolicies = ["never", "whenNeeded"];
    private static readonly string[] HeldPolicies = ["refuse", "skip"];

    private readonly List<Diagnostic> _fileDiagnostics = [];

    /// <summary>Problems found in other files (the inventory, the groups' spec files), already located there.</summary>
    public IReadOnlyList<Diagnostic> FileDiagnostics => _fileDiagnostics;

    public FleetSpec? Read(MappingReader root)
    {
        var metadata = root.Open("metadata", MetadataKeys, required: true, hint: "add 'metadata: { name: <fleet name> }'");
        var spec = root.Open("spec", SpecKeys, required: true, hint: "add 'spec:' with hosts (or an inventory), groups and a strategy");
        var name = metadata?.Text("name", required: true, hint: "add 'name: <fleet name>'; reports and journals carry it");
        if (name is not null && !Names.IsValid(name.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidName, name, $"the fleet name '{SpecText.Show(name.Value)}' is not a valid name", "use letters, digits, '-', '_' or '.', starting with a letter or digit, at most 63 characters");
        }

        if (spec is null)
        {
            return null;
        }

        var hosts = ReadHosts(spec);
        var groups = Items(spec, "groups", required: true, hint: "add 'groups:' with at least one group (name, selector, spec)")
            .Select(item => ReadGroup(item.Node, item.Path)).OfType<FleetGroup>().ToImmutableArray();
        CheckUnique(groups.Select(g => (g.Name, g.Location)), "group");
        var strategy = spec.Open("strategy", StrategyKeys) is { } strategyReader ? ReadStrategy(strategyReader) : RolloutStrategy.Default;
        if (hosts.IsEmpty && !diagnostics.HasErrors && !_fileDiagnostics.Exists(d => d.IsError))
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, spec.Location, spec.ChildPath("hosts"), "the fleet has no hosts", "list hosts under 'hosts:' or name an Ansible inventory under 'inventory: { path: ... }'");
        }

        return name is null ? null : new FleetSpec(name.Value, hosts, groups, strategy, fileName);
    }

    private ImmutableArray<FleetHost> ReadHosts(MappingReader spec)
    {
        var hosts = new List<FleetHost>();
        foreach (var (node, path) in Items(spec, "hosts"))
        {
            if (ReadHost(node, path) is { } host)
            {
                hosts.Add(host);
            }
        }

        if (spec.Open("inventory", InventoryKeys) is { } inventory && inventory.Text("path", required: true, hint: "add 'path: ./inventory.yaml' (an Ansible YAML inventory)") is { } inventoryPath)
        {
            var knownHosts = inventory.Text("knownHostsFile") is { } known ? Resolve(known.Value) : null;
            var fullPath = Resolve(inventoryPath.Value);
            var (inventoryText, refusal) = FleetLoader.ReadUserFile(fullPath, "inventory", inventoryPath.Location, inventoryPath.Path);
            if (refusal is not null)
            {
                _fileDiagnostics.Add(refusal);
            }
            else
            {
                var result = AnsibleInventory.Read(inventoryText!, fullPath, knownHosts);
                _fileDiagnostics.AddRange(result.Diagnostics);
                hosts.AddRange(result.Hosts);
            }
        }

        CheckUnique(hosts.Select(h => (h.Name, h.Location ?? spec.Location)), "host");
        return [.. hosts];
    }

    private FleetHost? ReadHost(SpecNode node, string path)
    {
        if (MappingReader.Open(node, path, HostKeys, diagnostics) is not { } host)
        {
            return null;
        }

        var name = host.Text("name", required: true, hint: "add 'name: <host name>'; it becomes the host's metadata.name");
        if (name is not null && !Names.IsValid(name.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidName, name, $"the host name '{SpecText.Show(name.Value)}' is not a valid name", "use letters, digits, '-', '_' or '.', starting with a letter or digit, at most 63 characters (it seeds the host's VDEV UUIDs)");
            name = null;
        }

        var address = host.Text("address");
        var transport = host.Open("transport", TransportKeys, required: true, hint: "add 'transport: { local: { root: <folder> } }' or 'transport: { ssh: { user: ..., keyFile: ... } }'") is { } transportReader
            ? ReadTransport(transportReader, address)
            : null;
        var labels = Dictionary(host, "labels", IsLabelKey, "label keys use letters, digits and . _ / -");
        var values = Dictionary(host, "values", IsValueKey, "value names use letters, digits and _");
        return name is null || transport is null
            ? null
            : new FleetHost(name.Value, transport, labels, values, [], host.Location);
    }

    private HostTransport? ReadTransport(MappingReader transport, Located<string>? address)
    {
        var local = transport.Open("local", LocalKeys);
        var ssh = transport.Open("ssh", SshKeys);
        if (local is not null && ssh is not null)
        {
            diagnostics.Error(DiagnosticCodes.ConflictingFields, transport.KeyLocation("ssh"), transport.ChildPath("ssh"), "a host has one transport, not both 'local' and 'ssh'", "keep the one that reaches the host");
            return null;
        }

        if (local is not null)
        {
            return local.Text("root", required: true, hint: "add 'root: /' for this machine, or the folder of a simulated host") is { } root
                ? new LocalTransport(Resolve(root.Value))
                : null;
        }

        if (ssh is null)
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, transport.Location, transport.Path, "the transport names neither 'local' nor 'ssh'", "add 'local: { root: ... }' or 'ssh: { user: ..., keyFile: ... }'");
            return null;
        }

        var sshHost = ssh.Text("host");
        if (sshHost is not null && address is not null)
        {
            diagnostics.Error(DiagnosticCodes.ConflictingFields, sshHost, "the host gives its address twice ('address' and 'transport.ssh.host')", "keep one of them");
        }

        var target = sshHost ?? address;
        if (target is null)
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, ssh.Location, ssh.ChildPath("host"), "an ssh host needs an address", "add 'address: <name or IP>' to the host, or 'host:' here");
            return null;
        }

        var port = ssh.Integer("port");
        if (port is not null && port.Value is < 1 or > 65535)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, port, $"port {port.Value} is not a TCP port", "use a port between 1 and 65535");
        }

        return new SshTransport(
            target.Value,
            (int)(port?.Value is >= 1 and <= 65535 ? port.Value : SshTransport.DefaultPort),
            ssh.Text("user")?.Value,
            ssh.Text("keyFile") is { } key ? Resolve(key.Value) : null,
            ssh.Text("knownHostsFile") is { } known ? Resolve(known.Value) : null);
    }

    private FleetGroup? ReadGroup(SpecNode node, string path)
    {
        if (MappingReader.Open(node, path, GroupKeys, diagnostics) is not { } group)
        {
            return null;
        }

        var name = group.Text("name", required: true, hint: "add 'name: <group name>'; reports use it as the test class");
        if (name is not null && !Names.IsValid(name.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidName, name, $"the group name '{SpecText.Show(name.Value)}' is not a valid name", "use letters, digits, '-', '_' or '.', starting with a letter or digit");
            name = null;
        }

        var selector = group.Open("selector", SelectorKeys, required: true, hint: "add 'selector: { matchLabels: { key: value } }' (or 'inventoryGroup: <name>'); '{}' selects every host") is { } selectorReader
            ? new HostSelector(Dictionary(selectorReader, "matchLabels", IsLabelKey, "label keys use letters, digits and . _ / -"), selectorReader.Text("inventoryGroup")?.Value)
            : null;
        var template = group.Open("spec", GroupSpecKeys, required: true, hint: "add 'spec: { path: ./host.yaml }' or 'spec: { inline: | ... }'") is { } specReader
            ? ReadTemplate(specReader)
            : null;
        var values = Dictionary(group, "values", IsValueKey, "value names use letters, digits and _");
        HealthCheck? health = null;
        if (group.Open("health", HealthKeys) is { } healthReader && healthReader.Text("command", required: true, hint: "add 'command: <command line>'; exit code 0 means healthy") is { } command)
        {
            health = new HealthCheck(command.Value, Duration(healthReader, "timeout", TimeSpan.FromMinutes(1)));
        }

        return name is null || selector is null || template is null
            ? null
            : new FleetGroup(name.Value, selector, template, values, health, group.Location);
    }

    private HostSpecTemplate? ReadTemplate(MappingReader spec)
    {
        var path = spec.Text("path");
        var inline = spec.Node("inline");
        if ((path is null) == (inline is null))
        {
            diagnostics.Error(DiagnosticCodes.ConflictingFields, spec.Location, spec.Path, path is null ? "the group's spec has neither 'path' nor 'inline'" : "the group's spec has both 'path' and 'inline'", "give one: 'path: ./host.yaml', or 'inline: |' followed by a HostState document");
            return null;
        }

        if (path is not null)
        {
            var fullPath = Resolve(path.Value);
            var (specText, refusal) = FleetLoader.ReadUserFile(fullPath, "spec file", path.Location, path.Path);
            if (refusal is not null)
            {
                _fileDiagnostics.Add(refusal);
                return null;
            }

            return HostSpecTemplate.FromFile(specText!, fullPath);
        }

        if (inline is not SpecScalar { IsPlain: false } block || !block.Value.Contains('\n', StringComparison.Ordinal))
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, inline!.Location, spec.ChildPath("inline"), "'inline' must be a block of YAML text", "write 'inline: |' and the HostState document indented on the lines below");
            return null;
        }

        // A block scalar's text starts on the line after its indicator; its indentation is that line's.
        var firstLine = block.Location.Line + 1;
        return HostSpecTemplate.Inline(block.Value, fileName, firstLine, Indentation(firstLine));
    }

    private RolloutStrategy ReadStrategy(MappingReader strategy)
    {
        var defaults = RolloutStrategy.Default;
        var waves = defaults.Waves;
        if (strategy.Sequence("waves") is { } waveList)
        {
            var parsed = ImmutableArray.CreateBuilder<HostCount>();
            for (var i = 0; i < waveList.Items.Length; i++)
            {
                if (Count(waveList.Items[i], SpecPath.Item(strategy.ChildPath("waves"), i), allowZero: false) is { } count)
                {
                    parsed.Add(count);
                }
            }

            if (waveList.Items.IsEmpty)
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, waveList.Location, strategy.ChildPath("waves"), "'waves' is empty", "list wave sizes, e.g. [1, 5, \"20%\"]; the last one repeats");
            }

            waves = parsed.Count > 0 ? parsed.ToImmutable() : waves;
        }

        var throttle = strategy.Integer("throttle");
        if (throttle is not null && throttle.Value < 1)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, throttle, $"throttle {throttle.Value} would run no host", "use 1 or more hosts at a time");
        }

        var maxUnavailable = strategy.Node("maxUnavailable") is { } unavailableNode
            ? Count(unavailableNode, strategy.ChildPath("maxUnavailable"), allowZero: false) ?? defaults.MaxUnavailable
            : defaults.MaxUnavailable;
        var perWave = defaults.PerWaveBudget;
        var fleet = defaults.FleetBudget;
        if (strategy.Open("failureBudget", BudgetsKeys) is { } budgets)
        {
            perWave = budgets.Open("perWave", BudgetKeys) is { } waveBudget ? ReadBudget(waveBudget) : perWave;
            fleet = budgets.Open("fleet", BudgetKeys) is { } fleetBudget ? ReadBudget(fleetBudget) : fleet;
        }

        var pause = WavePause.None;
        if (DurationText(strategy, "pause") is { } pauseText)
        {
            pause = pauseText.Value == "manual"
                ? new WavePause(TimeSpan.Zero, Manual: true)
                : ParseDuration(pauseText, allowZero: true) is { } wait ? new WavePause(wait, Manual: false) : pause;
        }

        var timeouts = strategy.Open("timeouts", TimeoutKeys);
        var reboot = strategy.Open("reboot", RebootKeys);
        var maxReboots = reboot?.Integer("maxPerHost");
        if (maxReboots is not null && maxReboots.Value is < 0 or > 10)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, maxReboots, $"maxPerHost {maxReboots.Value} is out of range", "use 0 to 10 reboots per host per rollout");
        }

        var seed = strategy.Integer("seed");
        var order = Choice(strategy, "order", Orders) ?? "inventory";
        if (seed is not null && order != "shuffle")
        {
            diagnostics.Error(DiagnosticCodes.ConflictingFields, seed, "'seed' only matters with 'order: shuffle'", "remove 'seed', or write 'order: shuffle'");
        }

        return new RolloutStrategy(
            waves,
            (int)Math.Clamp(throttle?.Value ?? defaults.Throttle, 1, 1000),
            maxUnavailable,
            perWave,
            fleet,
            pause,
            order switch { "sorted" => HostOrder.Sorted, "shuffle" => HostOrder.Shuffle, _ => HostOrder.Inventory },
            (int)Math.Clamp(seed?.Value ?? 0, int.MinValue, int.MaxValue),
            (Choice(strategy, "canaries", Canaries) ?? "none") == "hardware",
            timeouts is null ? defaults.ConnectTimeout : Duration(timeouts, "connect", defaults.ConnectTimeout),
            timeouts is null ? defaults.HostTimeout : Duration(timeouts, "host", defaults.HostTimeout),
            reboot is not null && (Choice(reboot, "policy", RebootPolicies) ?? "never") == "whenNeeded" ? RebootPolicy.WhenNeeded : RebootPolicy.Never,
            (int)(maxReboots?.Value is >= 0 and <= 10 ? maxReboots.Value : defaults.MaxRebootsPerHost),
            (Choice(strategy, "onHeldDevice", HeldPolicies) ?? "refuse") == "skip" ? HeldDevicePolicy.Skip : HeldDevicePolicy.Refuse);
    }

    private FailureBudget ReadBudget(MappingReader budget) =>
        new(
            budget.Node("unreachable") is { } unreachable ? Count(unreachable, budget.ChildPath("unreachable"), allowZero: true) : null,
            budget.Node("applyFailed") is { } apply ? Count(apply, budget.ChildPath("applyFailed"), allowZero: true) : null,
            budget.Node("healthFailed") is { } health ? Count(health, budget.ChildPath("healthFailed"), allowZero: true) : null,
            budget.Node("any") is { } any ? Count(any, budget.ChildPath("any"), allowZero: true) : null);

    /// <summary>A host count: a whole number, or a percentage written as text ("20%").</summary>
    private HostCount? Count(SpecNode node, string path, bool allowZero)
    {
        var minimum = allowZero ? 0 : 1;
        if (node is SpecScalar { Kind: ScalarKind.Integer })
        {
            var number = NodeReader.Integer(node, path, diagnostics);
            if (number is null)
            {
                return null;
            }

            if (number.Value < minimum || number.Value > 100_000)
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, number, $"{SpecPath.Describe(path)} is {number.Value}", allowZero ? "use a number of hosts from 0, or a percentage such as \"10%\"" : "use 1 or more hosts, or a percentage such as \"20%\"");
                return null;
            }

            return HostCount.Of((int)number.Value);
        }

        if (NodeReader.Text(node, path, diagnostics) is not { } text)
        {
            return null;
        }

        var match = PercentPattern().Match(text.Value);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent < minimum || percent > 100)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, text, $"{SpecPath.Describe(path)} is '{SpecText.Show(text.Value)}', neither a number of hosts nor a percentage", allowZero ? "write a number such as 2, or a percentage from \"0%\" to \"100%\"" : "write a number such as 5, or a percentage from \"1%\" to \"100%\"");
            return null;
        }

        return HostCount.Percent(percent);
    }

    private TimeSpan Duration(MappingReader reader, string key, TimeSpan fallback) =>
        DurationText(reader, key) is { } text ? ParseDuration(text, allowZero: false) ?? fallback : fallback;

    /// <summary>A duration as written; a bare number (a forgotten unit, or 0 meant as "no limit") is reported by the parser.</summary>
    private static Located<string>? DurationText(MappingReader reader, string key) =>
        reader.Node(key) is SpecScalar { Kind: ScalarKind.Integer } number
            ? new Located<string>(number.Value, number.Location, reader.ChildPath(key))
            : reader.Text(key);

    private TimeSpan? ParseDuration(Located<string> text, bool allowZero)
    {
        var match = DurationPattern().Match(text.Value);
        if (!match.Success)
        {
            var unlimited = !allowZero && text.Value is "0" or "none" or "never" or "infinite" or "unlimited";
            diagnostics.Error(
                unlimited ? FleetDiagnosticCodes.TimeoutUnlimited : DiagnosticCodes.InvalidValue,
                text,
                unlimited ? $"{SpecPath.Describe(text.Path)} cannot be unlimited" : $"'{SpecText.Show(text.Value)}' is not a duration",
                "write a duration such as 30s, 5m or 1h");
            return null;
        }

        var amount = long.Parse(match.Groups["amount"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        var duration = match.Groups["unit"].Value switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
        if (duration == TimeSpan.Zero && !allowZero)
        {
            diagnostics.Error(FleetDiagnosticCodes.TimeoutUnlimited, text, $"{SpecPath.Describe(text.Path)} is zero; a timeout is never unlimited", "write a duration such as 30s, 5m or 1h");
            return null;
        }

        return duration > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : duration;
    }

    private string? Choice(MappingReader reader, string key, string[] allowed)
    {
        if (reader.Text(key) is not { } text)
        {
            return null;
        }

        if (!allowed.Contains(text.Value, StringComparer.Ordinal))
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, text, $"{SpecPath.Describe(text.Path)} is '{SpecText.Show(text.Value)}'", SpecText.SuggestionHint(text.Value, allowed, "allowed values"));
            return null;
        }

        return text.Value;
    }

    private ImmutableSortedDictionary<string, string> Dictionary(MappingReader reader, string key, Func<string, bool> isValidKey, string keyRule)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (reader.Node(key) is not { } node || NodeReader.Mapping(node, reader.ChildPath(key), diagnostics) is not { } mapping)
        {
            return result.ToImmutable();
        }

        foreach (var (entryKey, entry) in MappingReader.KeyedEntries(mapping, reader.ChildPath(key), diagnostics))
        {
            if (!isValidKey(entryKey.Value))
            {
                diagnostics.Error(DiagnosticCodes.InvalidName, entryKey, $"'{SpecText.Show(entryKey.Value)}' is not a valid key here", keyRule);
                continue;
            }

            // Numbers and booleans are welcome as values (counts, flags); they are kept as the text written.
            if (entry.Value is SpecScalar { Kind: not ScalarKind.Null } scalar)
            {
                result[entryKey.Value] = scalar.Value;
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.InvalidValue, entry.Value.Location, entryKey.Path, $"{SpecPath.Describe(entryKey.Path)} must be a single value, not {entry.Value.Describe()}", "write a number, a name or an address");
            }
        }

        return result.ToImmutable();
    }

    private void CheckUnique(IEnumerable<(string Name, SourceLocation Location)> items, string what)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (name, location) in items)
        {
            if (seen.TryGetValue(name, out var first))
            {
                var code = what == "host" ? FleetDiagnosticCodes.DuplicateHost : DiagnosticCodes.DuplicateName;
                diagnostics.Error(code, location, string.Empty, $"the {what} '{name}' is declared twice (first at {first})", $"give each {what} its own name, or remove one of them");
            }
            else
            {
                seen.Add(name, location);
            }
        }
    }

    private static IEnumerable<(SpecNode Node, string Path)> Items(MappingReader reader, string key, bool required = false, string? hint = null)
    {
        if (reader.Sequence(key, required, hint) is not { } sequence)
        {
            yield break;
        }

        for (var i = 0; i < sequence.Items.Length; i++)
        {
            yield return (sequence.Items[i], SpecPath.Item(reader.ChildPath(key), i));
        }
    }

    private string Resolve(string path) => Path.GetFullPath(Path.Combine(baseDirectory, path));

    private int Indentation(int line)
    {
        var current = 1;
        var start = 0;
        while (current < line && start < text.Length)
        {
            var next = text.IndexOf('\n', start);
            if (next < 0)
            {
                return 0;
            }

            start = next + 1;
            current++;
        }

        var indent = 0;
        while (start + indent < text.Length && text[start + indent] == ' ')
        {
            indent++;
        }

        return indent;
    }

    internal static bool IsLabelKey(string key) => LabelKeyPattern().IsMatch(key);

    internal static bool IsValueKey(string key) => ValueKeyPattern().IsMatch(key);

    [GeneratedRegex(@"^([0-9]{1,3})%$", RegexOptions.CultureInvariant)]
    private static partial Regex PercentPattern();

    [GeneratedRegex(@"^(?<amount>[0-9]{1,6})(?<unit>[smh])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValueKeyPattern();
}
