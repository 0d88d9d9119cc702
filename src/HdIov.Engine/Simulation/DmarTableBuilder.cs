using System.Buffers.Binary;
using System.Text;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Simulation;

/// <summary>
/// Builds the binary ACPI DMAR table of a profile: the ACPI header with a valid checksum, one DRHD per
/// VT-d unit (endpoint scopes for the functions on its buses, or INCLUDE_PCI_ALL), RMRRs, an ATSR and
/// one RHSA per unit.
/// </summary>
internal static class DmarTableBuilder
{
    private const int HeaderLength = 48;

    public static byte[] Build(IommuData iommu, IReadOnlyList<PciAddress> functions)
    {
        var body = new List<byte>();
        foreach (var unit in iommu.Units.OrderBy(u => u.IncludePciAll))
        {
            var scopes = new List<byte>();
            if (!unit.IncludePciAll)
            {
                var buses = (unit.Buses ?? []).Select(b => (byte)Hex.Parse(b, "unit bus")).ToHashSet();
                foreach (var function in functions.Where(f => buses.Contains(f.Bus)))
                {
                    scopes.AddRange(Scope(1, function));
                }
            }

            var drhd = new byte[16];
            drhd[4] = unit.IncludePciAll ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt64LittleEndian(drhd.AsSpan(8), Hex.Parse(unit.Address, "unit address"));
            body.AddRange(Structure(0, drhd, scopes));
        }

        foreach (var rmrr in iommu.Rmrrs ?? [])
        {
            var fixedPart = new byte[24];
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(8), Hex.Parse(rmrr.Base, "rmrr base"));
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(16), Hex.Parse(rmrr.End, "rmrr end"));
            body.AddRange(Structure(1, fixedPart, Scope(1, PciAddress.Parse(rmrr.Device))));
        }

        var atsr = new byte[8];
        atsr[4] = iommu.AtsrAllPorts ? (byte)1 : (byte)0;
        var atsrScopes = iommu.AtsrAllPorts ? [] : Scope(2, new PciAddress(0, 0, 1, 0));
        body.AddRange(Structure(2, atsr, atsrScopes));

        foreach (var unit in iommu.Units)
        {
            var rhsa = new byte[20];
            BinaryPrimitives.WriteUInt64LittleEndian(rhsa.AsSpan(8), Hex.Parse(unit.Address, "unit address"));
            BinaryPrimitives.WriteUInt32LittleEndian(rhsa.AsSpan(16), (uint)unit.ProximityDomain);
            body.AddRange(Structure(3, rhsa, []));
        }

        var table = new byte[HeaderLength + body.Count];
        Encoding.ASCII.GetBytes("DMAR").CopyTo(table, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)table.Length);
        table[8] = 1;
        Encoding.ASCII.GetBytes(iommu.OemId.PadRight(6)[..6]).CopyTo(table, 10);
        Encoding.ASCII.GetBytes(iommu.OemTableId.PadRight(8)[..8]).CopyTo(table, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(24), 1);
        Encoding.ASCII.GetBytes("INTL").CopyTo(table, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(32), 0x20091013);
        table[36] = (byte)(iommu.HostAddressWidth - 1);
        table[37] = 0x01;
        body.CopyTo(table, HeaderLength);
        table[9] = (byte)((0x100 - (table.Sum(b => b) & 0xff)) & 0xff);
        return table;
    }

    private static byte[] Scope(byte type, PciAddress function) =>
        [type, 8, 0, 0, 0, function.Bus, function.Device, function.Function];

    private static byte[] Structure(ushort type, byte[] fixedPart, IReadOnlyCollection<byte> scopes)
    {
        var all = fixedPart.Concat(scopes).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(all.AsSpan(0), type);
        BinaryPrimitives.WriteUInt16LittleEndian(all.AsSpan(2), (ushort)all.Length);
        return all;
    }
}
