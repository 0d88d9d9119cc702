using HdIov.Engine.Platform;
using System.Collections.Immutable;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;

namespace HdIov.Engine.Spec.V1Alpha1;

/// <summary><c>spec.platform</c>: BIOS switches and attributes, IOMMU mode, kernel arguments, hugepage pools.</summary>
internal sealed class PlatformConverter(ValueRules rules)
{
    public const int MaxKernelArgLength = 2048;
    public const int MaxAttributeValueLength = 1024;

    private static readonly (string Text, long KiB)[] HugepageSizes = [("2Mi", 2048), ("1Gi", 1024 * 1024)];

    private DiagnosticBag Diagnostics => rules.Diagnostics;

    public PlatformSpec Convert(PlatformDto platform)
    {
        var bios = platform.Bios is { } biosDto ? ConvertBios(biosDto) : null;
        IommuSpec? iommu = null;
        if (platform.Iommu is { Mode: { } modeText } iommuDto
            && rules.Choice(modeText, [("scalable", IommuMode.Scalable), ("legacy", IommuMode.Legacy), ("off", IommuMode.Off)], "IOMMU modes") is { } mode)
        {
            iommu = new IommuSpec(mode, iommuDto.Passthrough?.Value);
        }

        var kernelArgs = platform.KernelArgs.Where(argument => IsValidKernelArgument(argument, platform.Iommu is not null)).Select(a => a.Value);
        return new PlatformSpec(bios, iommu, [.. kernelArgs], ConvertHugepages(platform.Hugepages));
    }

    private BiosSpec ConvertBios(BiosDto bios)
    {
        var source = bios.Source is { } sourceText
            ? rules.Choice(sourceText, [("redfish", BiosSource.Redfish), ("firmware-attributes", BiosSource.FirmwareAttributes), ("none", BiosSource.None)], "BIOS sources") ?? BiosSource.None
            : BiosSource.None;
        var settings = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var setting in bios.Settings)
        {
            if (rules.Word(setting.Value, ["enabled", "disabled"], "setting values") is { } state)
            {
                settings[setting.Key.Value] = state;
            }
        }

        var attributes = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var attribute in bios.Attributes)
        {
            var name = rules.Name(attribute.Key, "BIOS attribute name");
            var value = attribute.Value;
            var valueOk = value.Value.Length <= MaxAttributeValueLength && !value.Value.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');
            if (!valueOk)
            {
                Diagnostics.Error(
                    DiagnosticCodes.InvalidValue,
                    value,
                    $"the value of BIOS attribute '{SpecText.Show(attribute.Key.Value)}' is longer than {MaxAttributeValueLength} characters or holds control characters or line breaks",
                    "write the value exactly as the vendor's attribute registry lists it");
            }

            if (name is not null && valueOk)
            {
                attributes[name] = value.Value;
            }
        }

        return new BiosSpec(source, settings.ToImmutable(), attributes.ToImmutable());
    }

    private bool IsValidKernelArgument(Located<string> argument, bool iommuDeclared)
    {
        var text = argument.Value;
        var problem =
            text.Length > MaxKernelArgLength ? $"is longer than {MaxKernelArgLength} characters"
            : KernelArguments.Problem(text);
        if (problem is not null)
        {
            Diagnostics.Error(
                DiagnosticCodes.InvalidValue,
                argument,
                $"the kernel argument '{SpecText.Show(text)}' {problem}",
                "write one argument per list item, e.g. [\"hugepagesz=2M\", \"hugepages=1024\"], in printable ASCII without quotes or shell syntax");
            return false;
        }

        if (iommuDeclared && (text.StartsWith("intel_iommu=", StringComparison.Ordinal) || text.StartsWith("iommu=", StringComparison.Ordinal)))
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                argument,
                $"the kernel argument '{SpecText.Show(text)}' is also set by platform.iommu",
                "remove it from kernelArgs; platform.iommu writes intel_iommu= and iommu= itself");
            return false;
        }

        return true;
    }

    private ImmutableArray<HugepageSpec> ConvertHugepages(ImmutableArray<HugepageDto> pools)
    {
        var result = ImmutableArray.CreateBuilder<HugepageSpec>(pools.Length);
        var sizesSeen = new Dictionary<long, SourceLocation>();
        foreach (var pool in pools)
        {
            var size = pool.Size is { } sizeText ? rules.Choice(sizeText, HugepageSizes, "page sizes") : null;
            var perNode = pool.PerNode is { } count ? rules.InRange(count, 0, int.MaxValue, "perNode") : null;
            if (size is { } kib && pool.Size is { } sizeValue
                && rules.FirstOf(sizesSeen, kib, sizeValue, $"a hugepage pool of size {sizeValue.Value}", DiagnosticCodes.DuplicateName)
                && perNode is { } pages)
            {
                result.Add(new HugepageSpec(kib, pages));
            }
        }

        return result.ToImmutable();
    }
}
