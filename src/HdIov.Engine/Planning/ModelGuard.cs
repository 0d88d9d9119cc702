
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.Engine.Spec.V1Alpha1;

namespace HdIov.Engine.Planning;

/// <summary>
/// The loader's name and range rules, checked again on the model the planner is given. A model built without the
/// loader (an adapter, a test) must not carry a name that becomes a path segment, a config value or a huge count.
/// </summary>
internal static class ModelGuard
{
    public static List<Diagnostic> Check(HostSpec spec)
    {
        var problems = new List<Diagnostic>();
        Name(problems, spec.Name, "metadata.name", "host name", null);
        for (var index = 0; index < spec.Platform.KernelArgs.Length; index++)
        {
            if (Platform.KernelArguments.Problem(spec.Platform.KernelArgs[index]) is { } problem)
            {
                problems.Add(Problem(DiagnosticCodes.InvalidValue, $"the kernel argument '{SpecText.Show(spec.Platform.KernelArgs[index])}' {problem}", "write printable ASCII without whitespace, quotes or shell syntax", null, $"spec.platform.kernelArgs[{index}]"));
            }
        }

        foreach (var (name, value) in spec.Platform.Bios?.Attributes ?? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty)
        {
            Name(problems, name, "spec.platform.bios.attributes", "BIOS attribute name", null);
            if (value.Any(char.IsControl))
            {
                problems.Add(Problem(DiagnosticCodes.InvalidValue, $"the BIOS attribute value '{SpecText.Show(value)}' contains control characters", "write the value as the attribute's possible_values spell it", null, "spec.platform.bios.attributes"));
            }
        }
        for (var index = 0; index < spec.Devices.Length; index++)
        {
            var entry = spec.Devices[index];
            var key = $"spec.devices[{index}]";
            Name(problems, entry.Name, $"{key}.name", "device name", entry.Location);
            Name(problems, entry.Select.Driver, $"{key}.select.driver", "driver name", entry.Location);
            Name(problems, entry.Select.Parent, $"{key}.select.parent", "mdev parent name", entry.Location);
            PciId(problems, entry.Select.Vendor, $"{key}.select.vendor", entry.Location);
            PciId(problems, entry.Select.Device, $"{key}.select.device", entry.Location);
            foreach (var service in entry.Services.IsDefault ? [] : entry.Services)
            {
                if (!Families.DeviceFamilies.IsService(service))
                {
                    problems.Add(Problem(DiagnosticCodes.InvalidValue, $"'{SpecText.Show(service)}' is not a QAT service", $"use {string.Join(", ", Families.DeviceFamilies.AllServices)}", entry.Location, $"{key}.services"));
                }
            }

            foreach (var (type, count) in entry.Vdevs)
            {
                if (!Names.IsValidTypeName(type))
                {
                    problems.Add(Problem(DiagnosticCodes.InvalidName, $"'{SpecText.Show(type)}' is not a valid VDEV type name", "use the type name the parent offers: letters, digits, '-', '_' or '.', at most 64 characters", entry.Location, $"{key}.vdevs"));
                }

                Range(problems, count, DeviceConverter.MaxVdevsPerType, $"{key}.vdevs", entry.Location);
            }

            if (entry.Vfs is { } vfs)
            {
                Range(problems, vfs.Count, DeviceConverter.MaxVfs, $"{key}.vfs.count", entry.Location);
                Name(problems, vfs.Driver, $"{key}.vfs.driver", "driver name", entry.Location);
            }
        }

        return problems;
    }

    private static void Name(List<Diagnostic> problems, string? name, string keyPath, string what, SourceLocation? location)
    {
        if (name is not null && !Names.IsValid(name))
        {
            problems.Add(Problem(
                DiagnosticCodes.InvalidName,
                $"'{SpecText.Show(name)}' is not a valid {what}",
                $"use 1 to {Names.MaxLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit, without '..'",
                location,
                keyPath));
        }
    }

    private static void PciId(List<Diagnostic> problems, string? id, string keyPath, SourceLocation? location)
    {
        if (id is not null && !(id.Length == 4 && id.All(char.IsAsciiHexDigit)))
        {
            problems.Add(Problem(DiagnosticCodes.InvalidValue, $"the PCI ID '{SpecText.Show(id)}' is not 4 hex digits", "write it as lspci -n shows it, e.g. \"8086\"", location, keyPath));
        }
    }

    private static void Range(List<Diagnostic> problems, int count, int max, string keyPath, SourceLocation? location)
    {
        if (count is < 0 || count > max)
        {
            problems.Add(Problem(DiagnosticCodes.InvalidValue, $"the count {count} is outside 0 to {max}", $"declare between 0 and {max}", location, keyPath));
        }
    }

    private static Diagnostic Problem(string code, string message, string hint, SourceLocation? location, string keyPath) =>
        new(code, DiagnosticSeverity.Error, message, hint, location, keyPath);
}
