using System.Management.Automation;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.Redfish;
using HdIov.Engine.Session;
using HdIov.PowerShell.Errors;

namespace HdIov.PowerShell.Commands;

/// <summary>The cmdlets that read a spec document: its <c>-Path</c>, loading with located errors, and planning.</summary>
public abstract class HdIovSpecCmdletBase : HdIovCmdletBase
{
    /// <summary><para type="description">The spec document (YAML) that declares the host's desired state.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The spec document (YAML) that declares the host's desired state.")]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">The BMC account for a spec whose BIOS settings have source: redfish. Default: the
    /// account in $env:HDIOV_BMC_USERNAME and $env:HDIOV_BMC_PASSWORD.</para>
    /// </summary>
    [Parameter]
    [Credential]
    public PSCredential? BmcCredential { get; set; }

    /// <summary>The account in -BmcCredential, else in $env:HDIOV_BMC_USERNAME and $env:HDIOV_BMC_PASSWORD.</summary>
    protected override RedfishCredential? BmcAccount =>
        BmcCredential is { } credential && credential != PSCredential.Empty
            ? new RedfishCredential(credential.UserName, credential.GetNetworkCredential().Password)
            : RedfishCredential.FromEnvironment();

    /// <summary>
    /// The host's state as the spec is planned against: with the libvirt domains the spec names and, for source:
    /// redfish, the BIOS as the BMC reports it (a spec that needs a BMC account without one stops the command with HDIOV2022).
    /// </summary>
    protected HostState ObserveFor(HostSpec spec)
    {
        var session = OpenSession();
        return Guard(() => session.Observe(spec), spec.SourceFile ?? session.Root);
    }

    /// <summary>
    /// Loads a spec. Each error becomes its own error record (id = diagnostic code, message with file:line:column),
    /// warnings become warnings, and an invalid spec then stops the command before anything is observed or changed.
    /// </summary>
    protected HostSpec LoadSpec(string path) => SpecFiles.Load(this, path);

    /// <summary>Plans, reporting each reason of a refused plan as its own error record before stopping.</summary>
    protected Plan MakePlan(HostSpec spec, HostState state)
    {
        try
        {
            var plan = HostSession.Plan(spec, state);
            foreach (var warning in plan.Warnings)
            {
                WriteWarning(warning.ToString());
            }

            return plan;
        }
        catch (HdIovException refused) when (refused.Diagnostics.Count > 1)
        {
            foreach (var diagnostic in refused.Diagnostics)
            {
                WriteError(ErrorRecordFactory.FromDiagnostic(diagnostic, spec.SourceFile));
            }

            var summary = new HdIovException($"The plan for {spec.SourceFile ?? spec.Name} was refused for {refused.Diagnostics.Count} reasons; nothing was changed.");
            ThrowTerminatingError(new ErrorRecord(summary, refused.Diagnostics[0].Code, ErrorRecordFactory.CategoryOf(refused.Diagnostics[0].Code), spec.SourceFile));
            throw;
        }
        catch (HdIovException refused)
        {
            ThrowTerminatingError(ErrorRecordFactory.FromException(refused, spec.SourceFile));
            throw;
        }
    }
}
