namespace HdIov.Engine.Interop;

/// <summary>
/// libvirt's C API (libvirt.h, virterror.h), bound by SONAME so only the runtime package (Debian <c>libvirt0</c>)
/// is needed. Each function lives in its own file; <see cref="LibvirtConnection"/> wraps them with error mapping.
/// </summary>
internal static partial class Libvirt
{
    internal const string LibraryName = "libvirt.so.0";

    /// <summary>The Debian package that ships <see cref="LibraryName"/>.</summary>
    internal const string Package = "libvirt0";

    /// <summary>virDomainXMLFlags: include security-sensitive information (graphics passwords), as a redefinition needs.</summary>
    internal const uint VIR_DOMAIN_XML_SECURE = 1 << 0;

    /// <summary>virDomainXMLFlags: the persistent definition instead of the running one.</summary>
    internal const uint VIR_DOMAIN_XML_INACTIVE = 1 << 1;

    /// <summary>virDomainModificationImpact.</summary>
    internal const uint VIR_DOMAIN_AFFECT_LIVE = 1 << 0;

    internal const uint VIR_DOMAIN_AFFECT_CONFIG = 1 << 1;
}
