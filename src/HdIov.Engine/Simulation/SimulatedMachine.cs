using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Simulation;

/// <summary>
/// Facts derived from a profile that the tree builder and the kernel model share: the functions in
/// address order, their sysfs directories, the BAR addresses the simulated firmware assigned, VF placement.
/// </summary>
internal sealed class SimulatedMachine
{
    private const ulong MmioBase = 0x20_0000_0000;

    public SimulatedMachine(ProfileData data)
    {
        Data = data;
        var cursor = MmioBase;
        var functions = new List<MachineFunction>();
        foreach (var f in data.Functions.OrderBy(f => PciAddress.Parse(f.Address)))
        {
            var template = data.Templates[f.Template];
            var bars = Allocate(template.Bars, 1, ref cursor);
            SriovPlan? sriov = null;
            if (template.Sriov is { } s)
            {
                var vfTemplate = data.Templates.TryGetValue(s.VfTemplate, out var vt)
                    ? vt
                    : throw new FormatException($"profile {data.Name}: VF template '{s.VfTemplate}' is not defined");
                var vfBars = s.VfBars ?? [];
                sriov = new SriovPlan(s.TotalVfs, f.SriovOffset ?? s.Offset, s.Stride, vfTemplate, vfBars, Allocate(vfBars, s.TotalVfs, ref cursor));
            }

            functions.Add(new MachineFunction(PciAddress.Parse(f.Address), template, f.NumaNode, bars, sriov));
        }

        Functions = functions;
    }

    public ProfileData Data { get; }

    public IReadOnlyList<MachineFunction> Functions { get; }

    public IEnumerable<string> QatPfs => Functions.Where(f => f.Template.Mdev?.Model == "qat").Select(f => f.Address.ToString());

    public MachineFunction? Find(string address) => Functions.FirstOrDefault(f => f.Address.ToString() == address);

    public static string DeviceDirectory(PciAddress address, PciAddress? rootOf = null)
    {
        var root = rootOf ?? address;
        return $"/sys/devices/pci{root.Domain:x4}:{root.Bus:x2}/{address}";
    }

    public int QatIndex(string address) => QatPfs.ToList().IndexOf(address);

    public static PciAddress VfAddress(MachineFunction pf, int index) => pf.Address.Offset(pf.Sriov!.Offset + (index * pf.Sriov.Stride));

    /// <summary>The BAR addresses of VF <paramref name="index"/>: each VF BAR region holds TotalVFs slices.</summary>
    public static Dictionary<int, ulong> VfBars(MachineFunction pf, int index) =>
        pf.Sriov!.VfBars.ToDictionary(b => b.Index, b => pf.Sriov.VfBarAddresses[b.Index] + ((ulong)index * Hex.Parse(b.Size, "bar size")));

    private static Dictionary<int, ulong> Allocate(IReadOnlyList<BarData> bars, int copies, ref ulong cursor)
    {
        var addresses = new Dictionary<int, ulong>();
        foreach (var bar in bars.OrderByDescending(b => Hex.Parse(b.Size, "bar size")))
        {
            var size = Hex.Parse(bar.Size, "bar size");
            var region = size * (ulong)copies;
            var alignment = Math.Max(size, 0x1000);
            cursor = (cursor + alignment - 1) / alignment * alignment;
            addresses[bar.Index] = cursor;
            cursor += region;
        }

        return addresses;
    }
}

internal sealed record MachineFunction(PciAddress Address, DeviceTemplateData Template, int NumaNode, IReadOnlyDictionary<int, ulong> Bars, SriovPlan? Sriov)
{
    public string Directory => SimulatedMachine.DeviceDirectory(Address);
}

internal sealed record SriovPlan(int TotalVfs, int Offset, int Stride, DeviceTemplateData VfTemplate, IReadOnlyList<BarData> VfBars, IReadOnlyDictionary<int, ulong> VfBarAddresses);
