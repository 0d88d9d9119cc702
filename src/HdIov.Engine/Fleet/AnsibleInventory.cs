using System.Collections.Immutable;
using System.Globalization;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.Engine.Spec.Yaml;

namespace HdIov.Engine.Fleet;

/// <summary>
/// Reads an Ansible YAML inventory (<c>all</c>, <c>hosts</c>, <c>vars</c>, <c>children</c>) into fleet hosts, so an
/// existing inventory works unchanged. <c>ansible_host</c>, <c>ansible_port</c>, <c>ansible_user</c> and
/// <c>ansible_ssh_private_key_file</c> make the SSH transport; <c>ansible_connection: local</c> with
/// <c>hdiov_host_root</c> (default <c>/</c>) makes a local one (relative paths start at the inventory's folder); <c>hdiov_labels</c> (a mapping) gives labels; every
/// other plain variable becomes a host value. Variables apply from the outermost group inwards, the host's own last,
/// as Ansible applies them; each group a host belongs to is listed in <see cref="FleetHost.InventoryGroups"/>.
/// </summary>
internal static class AnsibleInventory
{
    private static readonly string[] GroupKeys = ["hosts", "vars", "children"];

    public sealed record Result(ImmutableArray<FleetHost> Hosts, ImmutableArray<Diagnostic> Diagnostics);

    public static Result Read(string text, string fileName, string? knownHostsFile)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".";
        var diagnostics = new DiagnosticBag();
        var root = SpecTreeReader.Read(text, fileName, diagnostics);
        var builder = new Builder(diagnostics);
        if (root is not null && NodeReader.Mapping(root, string.Empty, diagnostics) is { } top)
        {
            foreach (var (name, entry) in MappingReader.KeyedEntries(top, string.Empty, diagnostics))
            {
                builder.ReadGroup(name, entry.Value, depth: 0, parents: []);
            }
        }
        else if (root is null && !diagnostics.HasErrors)
        {
            diagnostics.Error(FleetDiagnosticCodes.InventoryInvalid, new SourceLocation(fileName, 1, 1), string.Empty, "the inventory is empty", "list hosts under 'all: { hosts: { <name>: {...} } }'");
        }

        var hosts = diagnostics.HasErrors ? [] : builder.Hosts(knownHostsFile, directory);
        return new Result(hosts, diagnostics.ToImmutable());
    }

    private sealed class Builder(DiagnosticBag diagnostics)
    {
        private readonly List<string> _order = [];
        private readonly Dictionary<string, HostEntry> _hosts = new(StringComparer.Ordinal);
        private readonly List<(int Depth, string Group, Dictionary<string, SpecNode> Vars)> _groupVars = [];
        private readonly Dictionary<string, HashSet<string>> _members = new(StringComparer.Ordinal);

        public void ReadGroup(Located<string> name, SpecNode node, int depth, ImmutableArray<string> parents)
        {
            if (depth > 16)
            {
                diagnostics.Error(FleetDiagnosticCodes.InventoryInvalid, name, "inventory groups nest deeper than 16 levels", "flatten the groups, or check for a group that contains itself");
                return;
            }

            var path = parents.Add(name.Value);
            if (node is SpecScalar { Kind: ScalarKind.Null })
            {
                return;
            }

            if (MappingReader.Open(node, name.Path, GroupKeys, diagnostics) is not { } group)
            {
                return;
            }

            if (group.Node("vars") is { } varsNode && NodeReader.Mapping(varsNode, group.ChildPath("vars"), diagnostics) is { } vars)
            {
                _groupVars.Add((depth, name.Value, Variables(vars, group.ChildPath("vars"))));
            }

            if (group.Node("hosts") is { } hostsNode && NodeReader.Mapping(hostsNode, group.ChildPath("hosts"), diagnostics) is { } hosts)
            {
                foreach (var (hostName, hostEntry) in MappingReader.KeyedEntries(hosts, group.ChildPath("hosts"), diagnostics))
                {
                    AddHost(hostName, hostEntry.Value, path);
                }
            }

            if (group.Node("children") is { } childrenNode && NodeReader.Mapping(childrenNode, group.ChildPath("children"), diagnostics) is { } children)
            {
                foreach (var (childName, childEntry) in MappingReader.KeyedEntries(children, group.ChildPath("children"), diagnostics))
                {
                    ReadGroup(childName, childEntry.Value, depth + 1, path);
                }
            }
        }

        public ImmutableArray<FleetHost> Hosts(string? knownHostsFile, string directory)
        {
            var result = ImmutableArray.CreateBuilder<FleetHost>(_order.Count);
            foreach (var name in _order)
            {
                var host = _hosts[name];
                var vars = new Dictionary<string, SpecNode>(StringComparer.Ordinal);
                foreach (var (_, _, groupVars) in _groupVars
                    .Where(g => host.Groups.Contains(g.Group))
                    .OrderBy(g => g.Depth)
                    .ThenBy(g => g.Group, StringComparer.Ordinal))
                {
                    foreach (var (key, value) in groupVars)
                    {
                        vars[key] = value;
                    }
                }

                foreach (var (key, value) in host.Vars)
                {
                    vars[key] = value;
                }

                if (ToHost(name, host, vars, knownHostsFile, directory) is { } fleetHost)
                {
                    result.Add(fleetHost);
                }
            }

            return result.ToImmutable();
        }

        private void AddHost(Located<string> name, SpecNode node, ImmutableArray<string> groups)
        {
            if (!Names.IsValid(name.Value))
            {
                var range = name.Value.Contains('[', StringComparison.Ordinal);
                diagnostics.Error(
                    FleetDiagnosticCodes.InventoryInvalid,
                    name,
                    range ? $"the host pattern '{SpecText.Show(name.Value)}' is a range, which this reader does not expand" : $"the host name '{SpecText.Show(name.Value)}' is not a valid name",
                    range ? "list each host by name" : "use letters, digits, '-', '_' or '.', starting with a letter or digit, at most 63 characters");
                return;
            }

            if (!_hosts.TryGetValue(name.Value, out var host))
            {
                host = new HostEntry(name.Location);
                _hosts.Add(name.Value, host);
                _order.Add(name.Value);
            }

            foreach (var group in groups)
            {
                host.Groups.Add(group);
            }

            if (node is SpecScalar { Kind: ScalarKind.Null })
            {
                return;
            }

            if (NodeReader.Mapping(node, name.Path, diagnostics) is { } vars)
            {
                foreach (var (key, value) in Variables(vars, name.Path))
                {
                    host.Vars[key] = value;
                }
            }
        }

        private Dictionary<string, SpecNode> Variables(SpecMapping mapping, string path)
        {
            var result = new Dictionary<string, SpecNode>(StringComparer.Ordinal);
            foreach (var (key, entry) in MappingReader.KeyedEntries(mapping, path, diagnostics))
            {
                result[key.Value] = entry.Value;
            }

            return result;
        }

        private FleetHost? ToHost(string name, HostEntry host, Dictionary<string, SpecNode> vars, string? knownHostsFile, string directory)
        {
            var path = $"host '{name}'";
            string? Text(string key) => vars.TryGetValue(key, out var node) && node is SpecScalar { Kind: not ScalarKind.Null } scalar ? scalar.Value : null;

            HostTransport transport;
            if (Text("ansible_connection") == "local")
            {
                transport = new LocalTransport(Path.GetFullPath(Path.Combine(directory, Text("hdiov_host_root") ?? "/")));
            }
            else
            {
                var port = SshTransport.DefaultPort;
                if (Text("ansible_port") is { } portText && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
                {
                    diagnostics.Error(FleetDiagnosticCodes.InventoryInvalid, vars["ansible_port"].Location, path, $"ansible_port '{SpecText.Show(portText)}' of host '{name}' is not a TCP port", "use a port between 1 and 65535");
                    return null;
                }

                var keyFile = Text("ansible_ssh_private_key_file") is { } key ? Path.GetFullPath(Path.Combine(directory, key)) : null;
                transport = new SshTransport(Text("ansible_host") ?? name, port, Text("ansible_user"), keyFile, knownHostsFile);
            }

            var labels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (vars.TryGetValue("hdiov_labels", out var labelsNode))
            {
                if (NodeReader.Mapping(labelsNode, "hdiov_labels", diagnostics) is { } labelMapping)
                {
                    foreach (var (key, entry) in MappingReader.KeyedEntries(labelMapping, "hdiov_labels", diagnostics))
                    {
                        if (!FleetDocumentReader.IsLabelKey(key.Value) || entry.Value is not SpecScalar { Kind: not ScalarKind.Null } value)
                        {
                            diagnostics.Error(FleetDiagnosticCodes.InventoryInvalid, key, $"label '{SpecText.Show(key.Value)}' of host '{name}' is not a key with a single value", "write 'hdiov_labels: { role: qat }' with keys of letters, digits and . _ / -");
                            continue;
                        }

                        labels[key.Value] = value.Value;
                    }
                }
            }

            var values = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (key, node) in vars)
            {
                if (!key.StartsWith("ansible_", StringComparison.Ordinal) && key is not "hdiov_labels" and not "hdiov_host_root"
                    && FleetDocumentReader.IsValueKey(key) && node is SpecScalar { Kind: not ScalarKind.Null } scalar)
                {
                    values[key] = scalar.Value;
                }
            }

            return new FleetHost(name, transport, labels.ToImmutable(), values.ToImmutable(), [.. host.Groups], host.Location);
        }
    }

    private sealed class HostEntry(SourceLocation location)
    {
        public SourceLocation Location { get; } = location;

        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SpecNode> Vars { get; } = new(StringComparer.Ordinal);
    }
}
