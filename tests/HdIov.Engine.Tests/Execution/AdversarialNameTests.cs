using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Tests.Testing;
using static HdIov.Engine.Tests.Testing.Specs;

namespace HdIov.Engine.Tests.Execution;

/// <summary>
/// DESIGN §6: names from specs never reach a path unvalidated. Models are built directly, bypassing the loader's
/// name rules, with path-like, NUL-bearing, huge and look-alike names in every field that names something: the
/// planner refuses them with InvalidName/InvalidValue and nothing outside the engine's state folder changes. A
/// valid but UUID-like name goes through, and only ever touches sysfs, /dev/vfio, QAT configs and mdevctl
/// definitions of real parents.
/// </summary>
[Trait("Category", "Execution")]
public sealed class AdversarialNameTests : IClassFixture<AdversarialNameTests.PreparedHosts>
{
    private static readonly string[] Hostile =
    [
        "../../etc/passwd",
        "/etc/shadow",
        "a\0b",
        new string('a', 10_000),
        "\uff10\uff10\uff10\uff10:\uff16b:\uff10\uff10.\uff10",
        "..",
        "mtty/../../../etc",
        "asym\nNumberAdis = 64",
    ];

    private const string UuidLike = "3b2f6c1e-9f0a-4c55-8e21-6f0b1a2c3d4e";

    private static readonly Dictionary<string, (string Profile, Func<string, HostSpec> Build)> Fields = new(StringComparer.Ordinal)
    {
        ["host name"] = ("mtty-lab", v => Specs.Host(v, Siov("serial", Parent("mtty"), [], ("mtty-1", 1)))),
        ["device name"] = ("mtty-lab", v => Specs.Host("lab", Siov(v, Parent("mtty"), [], ("mtty-1", 1)))),
        ["mdev type key"] = ("mtty-lab", v => Specs.Host("lab", Siov("serial", Parent("mtty"), [], (v, 1)))),
        ["parent selector"] = ("mtty-lab", v => Specs.Host("lab", Siov("serial", Parent(v), [], ("mtty-1", 1)))),
        ["driver selector"] = ("mtty-lab", v => Specs.Host("lab", Siov("serial", Driver(v), [], ("mtty-1", 1)))),
        ["vendor and device"] = ("spr-qat-e810", v => Specs.Host("spr", Siov("qat", new DeviceSelector(Vendor: v, Device: v), ["asym"], ("asym", 1)))),
        ["QAT service and type key"] = ("spr-qat-e810", v => Specs.Host("spr", Siov("qat", Pci("0000:6b:00.0"), [v], (v, 1)))),
        ["QAT service"] = ("spr-qat-e810", v => Specs.Host("spr", Siov("qat", Pci("0000:6b:00.0"), ["asym", v], ("asym", 1)))),
        ["ice type key"] = ("spr-qat-e810", v => Specs.Host("spr", Siov("nic", Pci("0000:16:00.0"), [], (v, 1)))),
        ["VF driver"] = ("spr-qat-e810", v => Specs.Host("spr", Sriov("vf", Pci("0000:f7:00.0"), 1, v))),
        ["VF driver on E810"] = ("spr-qat-e810", v => Specs.Host("spr", Sriov("vf", Pci("0000:16:00.1"), 1, v))),
    };

    private readonly PreparedHosts _hosts;

    public AdversarialNameTests(PreparedHosts hosts) => _hosts = hosts;

    public static TheoryData<string, int> Cases
    {
        get
        {
            var cases = new TheoryData<string, int>();
            foreach (var name in Fields.Keys)
            {
                for (var value = 0; value < Hostile.Length; value++)
                {
                    cases.Add(name, value);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlanApply_HostileName_IsRefusedAsInvalid_AndChangesNothingOutsideTheEngineState(string field, int value)
    {
        var (profile, build) = Fields[field];
        var sim = _hosts.Get(profile);
        var before = TreeSnapshot.Take(sim.Root, ".hdiov-sim", "var/lib/hdiov");

        IReadOnlyList<Diagnostic> diagnostics = [];
        var error = Record.Exception(() => diagnostics = UserFlow.PlanApply(build(Hostile[value]), sim.Host));

        Assert.True(error is null, $"{field} = {Shown(Hostile[value])}: {error}");
        Assert.Contains(diagnostics, d => d.Code is DiagnosticCodes.InvalidName or DiagnosticCodes.InvalidValue);
        Assert.All(diagnostics, d => Assert.True(d.Message.Length < 400 && !d.Message.Contains('\0', StringComparison.Ordinal), d.Message));
        Assert.Equal(string.Empty, TreeSnapshot.Difference(before, TreeSnapshot.Take(sim.Root, ".hdiov-sim", "var/lib/hdiov")));
    }

    [Theory]
    [InlineData("host name", true)]
    [InlineData("device name", true)]
    [InlineData("mdev type key", false)]
    [InlineData("VF driver", false)]
    public void PlanApply_UuidLikeName_TouchesOnlyKernelAttributesAndDefinitionsOfRealParents(string field, bool createsVdevs)
    {
        var (profile, build) = Fields[field];
        using var sim = TemporarySimulatedHost.Create(profile);
        var parents = new HdIov.Engine.Discovery.HostObserver(sim.Host).Observe().MdevParents.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var before = TreeSnapshot.Take(sim.Root, ".hdiov-sim", "var/lib/hdiov");

        var error = Record.Exception(() => UserFlow.PlanApply(build(UuidLike), sim.Host));

        Assert.Null(error);
        var after = TreeSnapshot.Take(sim.Root, ".hdiov-sim", "var/lib/hdiov");
        var changed = before.Keys.Union(after.Keys).Where(path => before.GetValueOrDefault(path) != after.GetValueOrDefault(path)).ToList();
        Assert.All(changed, path => Assert.True(IsLegitimateWrite(path, parents), path));
        Assert.Equal(createsVdevs, changed.Any(path => path.StartsWith("etc/mdevctl.d/mtty/", StringComparison.Ordinal)));
    }

    private static bool IsLegitimateWrite(string path, HashSet<string> parents)
    {
        var parts = path.Split('/');
        return parts[0] is "sys"
            || path.StartsWith("dev/vfio", StringComparison.Ordinal)
            || System.Text.RegularExpressions.Regex.IsMatch(path, @"^etc/4xxx_dev[0-9]+\.conf$")
            || (parts is ["etc", "mdevctl.d", var parent] && parents.Contains(parent))
            || (parts is ["etc", "mdevctl.d", var owner, var uuid] && parents.Contains(owner) && Guid.TryParseExact(uuid, "D", out _));
    }

    private static string Shown(string value) => Engine.Host.HostPath.Printable(value);

    /// <summary>One fresh host per profile, shared by the cases: a case that changed its host fails anyway.</summary>
    public sealed class PreparedHosts : IDisposable
    {
        private readonly Dictionary<string, TemporarySimulatedHost> _hosts = new(StringComparer.Ordinal);

        public TemporarySimulatedHost Get(string profile)
        {
            lock (_hosts)
            {
                if (!_hosts.TryGetValue(profile, out var host))
                {
                    host = TemporarySimulatedHost.Create(profile);
                    _hosts[profile] = host;
                }

                return host;
            }
        }

        public void Dispose()
        {
            foreach (var host in _hosts.Values)
            {
                host.Dispose();
            }
        }
    }
}
