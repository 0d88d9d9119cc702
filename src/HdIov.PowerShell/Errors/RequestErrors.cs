using System.Management.Automation;
using HdIov.Engine.Diagnostics;

namespace HdIov.PowerShell.Errors;

/// <summary>
/// Error records for refused imperative requests: the diagnostic's code as the error id and its fix as the recommended
/// action, with the parameter named by the diagnostic's key; bad values of a parameter are InvalidArgument.
/// </summary>
internal static class RequestErrors
{
    public static ErrorRecord From(Diagnostic diagnostic, object? target)
    {
        var shown = diagnostic with
        {
            Message = diagnostic.KeyPath is { } key && !key.Contains('[', StringComparison.Ordinal) ? $"{diagnostic.Message} (-{(key == "Parent" ? "ParentAddress" : key)})" : diagnostic.Message,
            KeyPath = null,
        };
        var category = diagnostic.Code.StartsWith("HDIOV1", StringComparison.Ordinal) ? ErrorCategory.InvalidArgument
            : diagnostic.Code == DiagnosticCodes.VdevNotOwned ? ErrorCategory.PermissionDenied
            : ErrorRecordFactory.CategoryOf(diagnostic.Code);
        return ErrorRecordFactory.FromDiagnostic(shown, target, category);
    }
}
