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
        var locations = ImmutableDictionary.CreateBuilder<string, SourceLocation>(StringComparer.Ordinal);
        var settings = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var setting in bios.Settings)
        {
            if (rules.Word(setting.Value, ["enabled", "disabled"], "setting values") is { } state)
            {
                settings[setting.Key.Value] = state;
                locations[$"settings.{setting.Key.Value}"] = setting.Key.Location;
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
                locations[$"attributes.{name}"] = attribute.Key.Location;
            }
        }

        var redfish = bios.Redfish is { } redfishDto ? ConvertRedfish(redfishDto, source, bios.Source) : null;
        if (bios.Redfish is { } declared)
        {
            locations["redfish"] = declared.KeyLocation;
        }

        return new BiosSpec(source, settings.ToImmutable(), attributes.ToImmutable(), redfish) { Locations = locations.ToImmutable() };
    }

    private RedfishSpec? ConvertRedfish(RedfishDto redfish, BiosSource source, Located<string>? sourceText)
    {
        if (source != BiosSource.Redfish)
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                redfish.KeyLocation,
                redfish.Path,
                $"bios.redfish is given but the BIOS source is {sourceText?.Value ?? "none"}",
                "set 'source: redfish', or remove the redfish section");
        }

        var endpoint = redfish.Endpoint is { } endpointText ? RedfishEndpoint(endpointText) : null;
        var system = redfish.System is { } systemText ? rules.Name(systemText, "Redfish ComputerSystem id") : null;
        string? caCertificate = null;
        if (redfish.CaCertificate is { } caText)
        {
            if (caText.Value.Length == 0 || caText.Value.Length > 4096 || caText.Value.Any(char.IsControl))
            {
                Diagnostics.Error(DiagnosticCodes.InvalidValue, caText, "caCertificate is not a usable file path", "name a PEM or DER file holding the CA certificate that signed the BMC's certificate");
            }
            else
            {
                caCertificate = caText.Value;
            }
        }

        var insecure = redfish.Insecure?.Value ?? false;
        if (insecure && redfish.CaCertificate is { } both)
        {
            Diagnostics.Error(
                DiagnosticCodes.ConflictingFields,
                both,
                "caCertificate and insecure: true are both given",
                "keep caCertificate to verify the BMC against that CA, or remove it to skip verification");
        }

        return endpoint is null ? null : new RedfishSpec(endpoint, system, caCertificate, insecure);
    }

    /// <summary>An https base URL without an account, path, query or fragment; the client adds <c>/redfish/v1</c>.</summary>
    private Uri? RedfishEndpoint(Located<string> text)
    {
        if (!Uri.TryCreate(text.Value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Diagnostics.Error(DiagnosticCodes.InvalidValue, text, $"'{SpecText.Show(text.Value)}' is not an https URL", "write the BMC's base URL, e.g. https://bmc01.example:443");
            return null;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // The URL is not echoed: the part before '@' may be a password.
            Diagnostics.Error(DiagnosticCodes.InvalidValue, text, "the Redfish endpoint carries an account (user@ or user:password@)", "remove the account from the URL; give it to the command (-BmcCredential, HDIOV_BMC_USERNAME/HDIOV_BMC_PASSWORD, or the Pulumi secrets)");
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            Diagnostics.Error(DiagnosticCodes.InvalidValue, text, $"'{SpecText.Show(text.Value)}' is plain http, which would send the BMC account unencrypted", "use the BMC's https URL");
            return null;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            Diagnostics.Error(DiagnosticCodes.InvalidValue, text, $"'{SpecText.Show(text.Value)}' has a path, query or fragment", $"write only the base URL, e.g. {uri.Scheme}://{uri.Authority}; the engine adds /redfish/v1");
            return null;
        }

        return uri;
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
