using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary><c>spec.devices</c>: names, selectors, the mode and the fields each mode needs or forbids.</summary>
internal sealed class DeviceConverter(ValueRules rules)
{
    public const int MaxVdevsPerType = 4096;
    public const int MaxVfs = 256;

    private static readonly string[] Services = ["sym", "asym", "dc"];

    private readonly SelectorConverter _selectors = new(rules);
    private readonly Dictionary<string, DeclaredDevice> _declared = new(StringComparer.Ordinal);

    /// <summary>Every entry with a valid, unique name, for resolving attachments.</summary>
    public IReadOnlyDictionary<string, DeclaredDevice> Declared => _declared;

    private DiagnosticBag Diagnostics => rules.Diagnostics;

    public ImmutableArray<DeviceSpec> Convert(ImmutableArray<DeviceDto> devices)
    {
        var result = ImmutableArray.CreateBuilder<DeviceSpec>(devices.Length);
        foreach (var device in devices)
        {
            if (Convert(device) is { } converted)
            {
                result.Add(converted);
            }
        }

        return result.ToImmutable();
    }

    private DeviceSpec? Convert(DeviceDto device)
    {
        var name = device.Name is { } nameText ? UniqueName(nameText) : null;
        var selector = device.Select is { } selectorDto ? _selectors.Convert(selectorDto, name) : null;
        var mode = device.Mode is { } modeText
            ? rules.Choice(modeText, [("siov", SplitMode.Siov), ("sriov", SplitMode.Sriov), ("none", SplitMode.None)], "modes")
            : null;
        var services = ConvertServices(device.Services);
        var vdevs = device.Vdevs is { } vdevsDto ? ConvertVdevs(vdevsDto) : null;
        var vfs = device.Vfs is { } vfsDto ? ConvertVfs(vfsDto) : null;
        var ownership = device.Ownership is { } ownershipText
            ? rules.Choice(ownershipText, [("keep", OwnershipPolicy.Keep), ("adopt", OwnershipPolicy.Adopt), ("prune", OwnershipPolicy.Prune)], "ownership policies")
            : OwnershipPolicy.Keep;
        var onHeld = device.OnHeld is { } onHeldText
            ? rules.Choice(onHeldText, [("refuse", HeldPolicy.Refuse), ("detach", HeldPolicy.Detach)], "onHeld policies")
            : HeldPolicy.Refuse;
        if (mode is { } declaredMode && device.Mode is { } modeValue)
        {
            CheckModeFields(declaredMode, modeValue, device);
        }

        if (name is not null)
        {
            _declared[name] = new DeclaredDevice(device.Location, mode, vdevs, KnownPfCount(selector));
        }

        var complete = name is not null && selector is not null && mode is not null && ownership is not null && onHeld is not null && services is not null
            && (device.Vdevs is null || vdevs is not null) && (device.Vfs is null || vfs is not null);
        if (!complete)
        {
            return null;
        }

        var emptyVdevs = ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
        return new DeviceSpec(
            name!,
            selector!,
            mode!.Value,
            services!.Value,
            mode == SplitMode.Siov ? vdevs ?? emptyVdevs : emptyVdevs,
            mode == SplitMode.Sriov ? vfs : null,
            ownership!.Value,
            device.Location)
        {
            OnHeld = onHeld!.Value,
        };
    }

    private string? UniqueName(Located<string> nameText)
    {
        if (rules.Name(nameText, "device entry name") is not { } name)
        {
            return null;
        }

        if (_declared.TryGetValue(name, out var earlier))
        {
            Diagnostics.Error(
                DiagnosticCodes.DuplicateName,
                nameText,
                $"the device entry name '{name}' is already used at line {earlier.Location.Line}",
                "give every device entry its own name; VDEV names start with it");
            return null;
        }

        return name;
    }

    private static int? KnownPfCount(DeviceSelector? selector) => selector switch
    {
        null => null,
        { Parent: not null } => 1,
        _ when selector.SelectedAddresses.Length > 0 => selector.SelectedAddresses.Length,
        _ => null,
    };

    private void CheckModeFields(SplitMode mode, Located<string> modeValue, DeviceDto device)
    {
        var hasVdevs = device.KeyLocations.TryGetValue("vdevs", out var vdevsAt);
        var hasVfs = device.KeyLocations.TryGetValue("vfs", out var vfsAt);
        if (mode == SplitMode.Siov && !hasVdevs)
        {
            Diagnostics.Error(DiagnosticCodes.ConflictingFields, modeValue, "mode siov needs 'vdevs' (how many VDEVs of each type per PF)", "add e.g. 'vdevs: { asym: 4 }', or choose another mode");
        }

        if (mode == SplitMode.Sriov && !hasVfs)
        {
            Diagnostics.Error(DiagnosticCodes.ConflictingFields, modeValue, "mode sriov needs 'vfs' (how many VFs per PF)", "add e.g. 'vfs: { count: 16, driver: vfio-pci }', or choose another mode");
        }

        if (mode != SplitMode.Siov && hasVdevs)
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                vdevsAt!,
                SpecPath.Child(device.Path, "vdevs"),
                $"'vdevs' does not go with mode {modeValue.Value}: only mode siov creates VDEVs",
                "remove 'vdevs', or set 'mode: siov'");
        }

        if (mode != SplitMode.Sriov && hasVfs)
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                vfsAt!,
                SpecPath.Child(device.Path, "vfs"),
                $"'vfs' does not go with mode {modeValue.Value}: only mode sriov creates VFs",
                "remove 'vfs', or set 'mode: sriov'");
        }
    }

    private ImmutableArray<string>? ConvertServices(ImmutableArray<Located<string>> services)
    {
        var result = ImmutableArray.CreateBuilder<string>(services.Length);
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (rules.Word(service, Services, "QAT services") is { } name
                && rules.FirstOf(seen, name, service, $"the service {name}", DiagnosticCodes.DuplicateName))
            {
                result.Add(name);
            }
        }

        return result.Count == services.Length ? result.ToImmutable() : null;
    }

    private ImmutableSortedDictionary<string, int>? ConvertVdevs(VdevsDto vdevs)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        var valid = true;
        foreach (var entry in vdevs.Counts)
        {
            var typeOk = Names.IsValidTypeName(entry.Key.Value);
            if (!typeOk)
            {
                Diagnostics.Error(
                    DiagnosticCodes.InvalidName,
                    entry.Key,
                    $"'{SpecText.Show(entry.Key.Value)}' is not a valid VDEV type name",
                    $"use a device family's key ({string.Join(", ", Families.DeviceFamilies.SpecTypeKeys.Select(k => k.Key))}) or the parent's mdev type id (mtty-1): up to 64 ASCII letters, digits, '-', '_' or '.'");
            }

            var count = rules.InRange(entry.Value, 0, MaxVdevsPerType, "a VDEV count");
            if (typeOk && count is { } n)
            {
                result[entry.Key.Value] = n;
            }
            else
            {
                valid = false;
            }
        }

        return valid && vdevs.Complete ? result.ToImmutable() : null;
    }

    private VfSpec? ConvertVfs(VfsDto vfs)
    {
        var count = vfs.Count is { } countValue ? rules.InRange(countValue, 0, MaxVfs, "a VF count") : null;
        var driver = vfs.Driver is { } driverText ? rules.Name(driverText, "driver name") : null;
        return count is { } n && (vfs.Driver is null || driver is not null) ? new VfSpec(n, driver) : null;
    }
}
