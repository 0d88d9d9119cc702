using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.PowerShell.Errors;

/// <summary>
/// Turns engine diagnostics and exceptions into PowerShell error records: the diagnostic code as the stable
/// error id, a category a script can switch on, the failing object as target, and the fix as the recommended action.
/// </summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord FromDiagnostic(Diagnostic diagnostic, object? target) =>
        FromDiagnostic(diagnostic, target, CategoryOf(diagnostic.Code));

    public static ErrorRecord FromDiagnostic(Diagnostic diagnostic, object? target, ErrorCategory category) =>
        Create(new HdIovException(diagnostic), diagnostic.Code, category, target ?? diagnostic.Location?.ToString(), diagnostic.Hint);

    /// <summary>One record for any failure a cmdlet reports; a multi-diagnostic <see cref="HdIovException"/> keeps its full text.</summary>
    public static ErrorRecord FromException(Exception exception, object? target) => exception switch
    {
        ApplyFailedException { Diagnostics.Count: 1, Cause: HostIoException io } failed =>
            Create(failed, failed.Diagnostics[0].Code, CategoryOf(io.Errno), string.IsNullOrEmpty(io.Path) ? target : io.Path, failed.Diagnostics[0].Hint),
        HdIovException { Diagnostics.Count: 1 } single => FromDiagnostic(single.Diagnostics[0], target),
        HdIovException many when many.Diagnostics.Count > 1 =>
            Create(many, many.Diagnostics[0].Code, CategoryOf(many.Diagnostics[0].Code), target, many.Diagnostics[0].Hint),
        HostIoException io => Create(io, "HostIoError", CategoryOf(io.Errno), string.IsNullOrEmpty(io.Path) ? target : io.Path, io.Hint),
        HostLockTimeoutException locked => Create(locked, DiagnosticCodes.HostLocked, ErrorCategory.ResourceBusy, locked.LockPath, "wait for the other apply to finish, then run this command again"),
        OperationCanceledException cancelled => Create(cancelled, DiagnosticCodes.Cancelled, ErrorCategory.OperationStopped, target, "run the command again; an apply resumes from the host's state"),
        _ => Create(exception, exception.GetType().Name, ErrorCategory.InvalidOperation, target, null),
    };

    public static ErrorRecord PathNotFound(string path) =>
        Create(
            new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."),
            "PathNotFound",
            ErrorCategory.ObjectNotFound,
            path,
            "check the path; relative paths are resolved from the current location");

    public static ErrorCategory CategoryOf(string code) => code switch
    {
        DiagnosticCodes.FileNotReadable or DiagnosticCodes.NoDeviceMatches or DiagnosticCodes.TypeNotOffered or DiagnosticCodes.DriverMissing
            or DiagnosticCodes.VdevNotCreated
            => ErrorCategory.ObjectNotFound,
        DiagnosticCodes.DeviceInUse or DiagnosticCodes.HostLocked => ErrorCategory.ResourceBusy,
        DiagnosticCodes.Cancelled => ErrorCategory.OperationStopped,
        _ when code.StartsWith("HDIOV1", StringComparison.Ordinal) => ErrorCategory.InvalidData,
        _ => ErrorCategory.InvalidOperation,
    };

    public static ErrorCategory CategoryOf(Errno errno) => errno switch
    {
        Errno.EBUSY => ErrorCategory.ResourceBusy,
        Errno.EACCES or Errno.EPERM or Errno.EROFS => ErrorCategory.PermissionDenied,
        Errno.ENOENT or Errno.ENODEV or Errno.ENXIO => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.InvalidOperation,
    };

    private static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target, string? recommendedAction)
    {
        var record = new ErrorRecord(exception, errorId, category, target);
        if (!string.IsNullOrEmpty(recommendedAction))
        {
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
        }

        return record;
    }
}
