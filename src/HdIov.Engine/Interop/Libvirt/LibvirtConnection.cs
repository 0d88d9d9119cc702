using System.Runtime.InteropServices;
using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Interop;

/// <summary>
/// One open libvirt connection and the calls the engine makes on it. Every failing call becomes a
/// <see cref="LibvirtException"/> with libvirt's error code and message; a missing <c>libvirt.so.0</c> becomes an
/// <see cref="HdIovException"/> that names the Debian package.
/// </summary>
internal sealed class LibvirtConnection : IDisposable
{
    private static readonly Lock SilenceLock = new();
    private static bool s_silenced;
    private readonly SafeVirConnectHandle _handle;

    private LibvirtConnection(string uri, SafeVirConnectHandle handle)
    {
        Uri = uri;
        _handle = handle;
    }

    public string Uri { get; }

    public static LibvirtConnection Open(string uri)
    {
        try
        {
            Silence();
            var handle = Libvirt.ConnectOpen(uri);
            if (handle.IsInvalid)
            {
                var error = LastError("virConnectOpen", uri);
                handle.Dispose();
                throw error;
            }

            return new LibvirtConnection(uri, handle);
        }
        catch (DllNotFoundException missing)
        {
            throw new HdIovException(
                new Diagnostic(
                    DiagnosticCodes.LibvirtFailed,
                    DiagnosticSeverity.Error,
                    $"{Libvirt.LibraryName} cannot be loaded, so libvirt at {uri} cannot be reached: {missing.Message}",
                    $"install the Debian package {Libvirt.Package} (apt-get install {Libvirt.Package})"));
        }
    }

    /// <summary>The domain of that name, or null when the connection has none (VIR_ERR_NO_DOMAIN).</summary>
    public SafeVirDomainHandle? LookupDomain(string name)
    {
        var domain = Libvirt.DomainLookupByName(_handle, name);
        if (!domain.IsInvalid)
        {
            return domain;
        }

        domain.Dispose();
        var error = LastError("virDomainLookupByName", Uri);
        return error.ErrorCode == LibvirtException.NoDomain ? null : throw error;
    }

    public string GetXml(SafeVirDomainHandle domain, bool inactive, bool secure = false)
    {
        var text = Libvirt.DomainGetXMLDesc(domain, (inactive ? Libvirt.VIR_DOMAIN_XML_INACTIVE : 0) | (secure ? Libvirt.VIR_DOMAIN_XML_SECURE : 0));
        if (text == 0)
        {
            throw LastError("virDomainGetXMLDesc", Uri);
        }

        try
        {
            return Marshal.PtrToStringUTF8(text) ?? string.Empty;
        }
        finally
        {
            Libc.Free(text);
        }
    }

    public bool IsActive(SafeVirDomainHandle domain) => Libvirt.DomainIsActive(domain) switch
    {
        1 => true,
        0 => false,
        _ => throw LastError("virDomainIsActive", Uri),
    };

    public void AttachDevice(SafeVirDomainHandle domain, string xml, uint flags)
    {
        if (Libvirt.DomainAttachDeviceFlags(domain, xml, flags) != 0)
        {
            throw LastError("virDomainAttachDeviceFlags", Uri);
        }
    }

    public void DetachDevice(SafeVirDomainHandle domain, string xml, uint flags)
    {
        if (Libvirt.DomainDetachDeviceFlags(domain, xml, flags) != 0)
        {
            throw LastError("virDomainDetachDeviceFlags", Uri);
        }
    }

    /// <summary>Defines a persistent domain from its XML (or replaces the definition of the domain with that name and UUID).</summary>
    public void DefineDomain(string xml)
    {
        using var domain = Libvirt.DomainDefineXML(_handle, xml);
        if (domain.IsInvalid)
        {
            throw LastError("virDomainDefineXML", Uri);
        }
    }

    /// <summary>The names of every domain on the connection, running or defined, sorted ordinally.</summary>
    public unsafe IReadOnlyList<string> ListDomainNames()
    {
        nint* domains = null;
        var count = Libvirt.ConnectListAllDomains(_handle, &domains, 0);
        if (count < 0)
        {
            throw LastError("virConnectListAllDomains", Uri);
        }

        var names = new List<string>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                using var domain = SafeVirDomainHandle.FromPointer(domains[i]);
                if (Marshal.PtrToStringUTF8(Libvirt.DomainGetName(domains[i])) is { } name)
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            Libc.Free((nint)domains);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public void Dispose() => _handle.Dispose();

    private static unsafe LibvirtException LastError(string operation, string uri)
    {
        var error = Libvirt.GetLastError();
        var message = Marshal.PtrToStringUTF8(Libvirt.GetLastErrorMessage()) ?? "unknown error";
        return error is null
            ? new LibvirtException(operation, uri, 0, 0, message)
            : new LibvirtException(operation, uri, error->Code, error->Domain, message);
    }

    private static unsafe void Silence()
    {
        lock (SilenceLock)
        {
            if (!s_silenced)
            {
                Libvirt.SetErrorFunc(0, &IgnoreError);
                s_silenced = true;
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void IgnoreError(nint userData, nint error)
    {
    }
}
