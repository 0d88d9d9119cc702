using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Host;
using HdIov.PowerShell.Commands;

namespace HdIov.PowerShell.Completers;

/// <summary>
/// Completes -VmName with the libvirt domains of the command's -Uri (default qemu:///system) on the host it names
/// (-HostRoot, else $env:HDIOV_HOST_ROOT, else /); a simulated host's URIs are mapped as for every other command.
/// </summary>
internal sealed class LibvirtDomainCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var root = fakeBoundParameters?["HostRoot"] as string;
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetEnvironmentVariable(HdIovCmdletBase.HostRootVariable);
        }

        var uri = fakeBoundParameters?["Uri"] as string;
        if (string.IsNullOrEmpty(uri))
        {
            uri = "qemu:///system";
        }

        IReadOnlyList<string> names;
        try
        {
            var host = HostFactory.Open(Path.GetFullPath(string.IsNullOrEmpty(root) ? "/" : root));
            try
            {
                using var machines = LibvirtVirtualMachines.For(host);
                names = machines.ListDomains(uri);
            }
            finally
            {
                (host as IDisposable)?.Dispose();
            }
        }
        catch (Exception unreachable) when (unreachable is ArgumentException or IOException or UnauthorizedAccessException or HostIoException or HdIovException)
        {
            return [];
        }

        var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
        return names
            .Where(pattern.IsMatch)
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, $"libvirt domain on {uri}"))
            .ToArray();
    }
}
