using HdIov.Engine.Diagnostics;

namespace HdIov.Engine.Interop;

/// <summary>
/// A libvirt call failed: <see cref="ErrorCode"/> is libvirt's <c>virErrorNumber</c> (42 no such domain, 3 not
/// supported by the driver, 38 system error, ...), <see cref="ErrorDomain"/> its <c>virErrorDomain</c>, and the message is
/// libvirt's own, prefixed with the call and the connection it was made on.
/// </summary>
public sealed class LibvirtException : HdIovException
{
    public const int NoSupport = 3;
    public const int SystemError = 38;
    public const int NoDomain = 42;
    public const int AuthFailed = 45;
    public const int OperationInvalid = 55;

    public LibvirtException(string operation, string uri, int errorCode, int errorDomain, string libvirtMessage)
        : base(new Diagnostic(
            DiagnosticCodes.LibvirtFailed,
            DiagnosticSeverity.Error,
            $"libvirt {operation} on {uri} failed (error {errorCode}): {libvirtMessage}",
            FixFor(errorCode, uri)))
    {
        Operation = operation;
        Uri = uri;
        ErrorCode = errorCode;
        ErrorDomain = errorDomain;
        LibvirtMessage = libvirtMessage;
    }

    public LibvirtException()
        : this("call", "(none)", 0, 0, "unknown error")
    {
    }

    public LibvirtException(string message)
        : base(message)
    {
        Operation = "call";
        Uri = "(none)";
        LibvirtMessage = message;
    }

    public LibvirtException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "call";
        Uri = "(none)";
        LibvirtMessage = message;
    }

    /// <summary>The libvirt function that failed, e.g. <c>virDomainAttachDeviceFlags</c>.</summary>
    public string Operation { get; }

    /// <summary>The connection URI the call was made on.</summary>
    public string Uri { get; }

    public int ErrorCode { get; }

    public int ErrorDomain { get; }

    public string LibvirtMessage { get; }

    private static string FixFor(int code, string uri) => code switch
    {
        NoDomain => $"define the domain on {uri} (virsh -c {uri} define <file>) or correct the VM name",
        NoSupport => $"the libvirt driver behind {uri} cannot do this; use a hypervisor driver such as qemu:///system",
        AuthFailed => $"run as a user allowed to manage {uri} (root, or a member of the libvirt group)",
        OperationInvalid => "the domain's state changed; plan again",
        _ => $"check that the libvirt daemon for {uri} runs (systemctl status libvirtd or virtqemud) and see its log",
    };
}
