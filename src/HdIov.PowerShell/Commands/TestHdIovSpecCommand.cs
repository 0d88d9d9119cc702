using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Spec;

namespace HdIov.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Checks a spec document without looking at any host.</para>
/// <para type="description">Returns $true when the document is valid and $false otherwise; each error is written as an
/// error record whose message starts with file:line:column and whose error id is the diagnostic code (HDIOVnnnn),
/// with the fix as the recommended action; warnings are written as warnings. With -PassThru it returns the
/// diagnostics themselves instead (none for a clean document). Nothing on any host is read or changed.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HdIovSpec")]
[OutputType(typeof(bool), typeof(Diagnostic))]
public sealed class TestHdIovSpecCommand : PSCmdlet
{
    /// <summary><para type="description">The spec document (YAML) to check.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The spec document (YAML) to check.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary><para type="description">Returns every diagnostic (errors and warnings) as an object instead of $true or $false and error records.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var file = SpecFiles.ResolveExisting(this, Path);
        var result = SpecLoader.LoadFile(file);
        SpecFiles.WriteVerdict(this, result.Diagnostics, PassThru);
    }
}
