using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Model;
using HdIov.Engine.Spec;
using HdIov.PowerShell.Errors;

namespace HdIov.PowerShell.Commands;

/// <summary>Reading spec files for any cmdlet: path resolution, and loading with every diagnostic reported where it is.</summary>
internal static class SpecFiles
{
    /// <summary>A file-system path from a PowerShell path; a terminating error when the file does not exist.</summary>
    public static string ResolveExisting(PSCmdlet cmdlet, string path)
    {
        var resolved = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(ErrorRecordFactory.PathNotFound(path));
        }

        return resolved;
    }

    /// <summary>
    /// What the Test-* commands answer for a document's diagnostics: with <paramref name="passThru"/> the diagnostics
    /// themselves, otherwise each error as an error record (id = diagnostic code), each warning as a warning, and
    /// $true when there is no error.
    /// </summary>
    public static void WriteVerdict(PSCmdlet cmdlet, IReadOnlyCollection<Diagnostic> diagnostics, bool passThru)
    {
        if (passThru)
        {
            cmdlet.WriteObject(diagnostics, enumerateCollection: true);
            return;
        }

        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.IsError)
            {
                cmdlet.WriteError(ErrorRecordFactory.FromDiagnostic(diagnostic, null));
            }
            else
            {
                cmdlet.WriteWarning(diagnostic.ToString());
            }
        }

        cmdlet.WriteObject(!diagnostics.Any(d => d.IsError));
    }

    /// <summary>
    /// Loads a spec. Each error becomes its own error record (id = diagnostic code, message with file:line:column),
    /// warnings become warnings, and an invalid spec then stops the command before anything is observed or changed.
    /// </summary>
    public static HostSpec Load(PSCmdlet cmdlet, string path)
    {
        var file = ResolveExisting(cmdlet, path);
        var result = SpecLoader.LoadFile(file);
        foreach (var diagnostic in result.Diagnostics)
        {
            if (diagnostic.IsError)
            {
                cmdlet.WriteError(ErrorRecordFactory.FromDiagnostic(diagnostic, null));
            }
            else
            {
                cmdlet.WriteWarning(diagnostic.ToString());
            }
        }

        if (!result.Succeeded || result.Spec is null)
        {
            var count = result.Diagnostics.Count(d => d.IsError);
            var refused = new HdIovException($"The spec {file} has {count} error{(count == 1 ? string.Empty : "s")}; nothing was planned or changed.");
            cmdlet.ThrowTerminatingError(new ErrorRecord(refused, "SpecInvalid", ErrorCategory.InvalidData, file));
        }

        return result.Spec!;
    }
}
