using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>The kernel model: BIOS.</summary>
internal sealed partial class KernelModel
{
    /// <summary>
    /// True when the BIOS settings in effect since boot publish the ACPI DMAR table (VT-d enabled). Without it the
    /// kernel finds no remapping unit: no dmar units, no IOMMU groups, and intel_iommu=on has nothing to turn on.
    /// </summary>
    private bool DmarPresent() => !BootedEffects().Any(e => e.DmarAbsent);

    /// <summary>A unit's ECAP as the firmware reports it under the BIOS settings in effect since boot.</summary>
    private ulong Ecap(IommuUnitData unit)
    {
        var ecap = Hex.Parse(unit.Ecap, "ecap");
        foreach (var effect in BootedEffects())
        {
            ecap |= effect.EcapSet is null ? 0 : Hex.Parse(effect.EcapSet, "ecapSet");
            ecap &= effect.EcapClear is null ? ulong.MaxValue : ~Hex.Parse(effect.EcapClear, "ecapClear");
        }

        return ecap;
    }

    /// <summary>The effects of the attribute values the host booted with.</summary>
    private IEnumerable<FirmwareEffectData> BootedEffects() =>
        (Data.Firmware?.Attributes ?? []).SelectMany(a => (a.Effects ?? []).Where(e => e.Value == _state.FirmwareBooted.GetValueOrDefault(a.Name, a.Current)));

    /// <summary>The IOMMU group a newly found PCI function joins, or null when no VT-d unit translates for it.</summary>
    private int? NextPciGroup() => DmarPresent() ? _state.NextIommuGroup++ : null;

    private void SetFirmwareAttribute(FirmwareData firmware, string name, string value, string hostPath)
    {
        var attribute = firmware.Attributes.First(a => a.Name == name);
        var text = value.TrimEnd('\n');
        if (!attribute.PossibleValues.Contains(text, StringComparer.Ordinal))
        {
            throw HostIoException.FromErrno(Errno.EINVAL, hostPath, "write");
        }

        _state.Firmware[name] = text;
        var dir = $"/sys/devices/virtual/firmware-attributes/{firmware.Driver}/attributes";
        _tree.Text($"{dir}/{name}/current_value", text + "\n");
        var pending = firmware.Attributes.Any(a => _state.Firmware.GetValueOrDefault(a.Name, a.Current) != _state.FirmwareBooted.GetValueOrDefault(a.Name, a.Current));
        _tree.Text($"{dir}/pending_reboot", pending ? "1\n" : "0\n");
    }
}
