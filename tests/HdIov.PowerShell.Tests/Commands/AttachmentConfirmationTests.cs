using System.Management.Automation;
using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Commands;

/// <summary>
/// The confirmation flow of Connect- and Disconnect-HdIovVirtualDevice as a person meets it: the scripted host
/// answers the ShouldProcess prompt, and a real libvirtd's domain definition and the host's files show what was (not)
/// done.
/// </summary>
[Trait("Category", "Libvirt")]
public sealed class AttachmentConfirmationTests(PrivateLibvirtd libvirtd) : CommandTestBase, IClassFixture<PrivateLibvirtd>
{
    private const string Connect =
        "param($Root, $Vm) Get-HdIovVirtualDevice -HostRoot $Root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/0' | " +
        "Connect-HdIovVirtualDevice -HostRoot $Root -VmName $Vm -Uri 'qemu:///system' -Confirm";

    private const string Disconnect =
        "param($Root, $Vm) Get-HdIovVirtualDevice -HostRoot $Root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/0' | " +
        "Disconnect-HdIovVirtualDevice -HostRoot $Root -VmName $Vm -Uri 'qemu:///system' -Confirm";

    [Theory]
    [InlineData(Answer.No, false)]
    [InlineData(Answer.Yes, true)]
    public void Connect_with_Confirm_adds_the_hostdev_only_when_confirmed(Answer answer, bool attached)
    {
        var (root, vm, uuid) = LabHostWithDomain("connect-" + answer);
        var before = HostTree.Snapshot(root);
        var (shell, host) = Session(answer);

        var run = Run(shell, Connect, new Dictionary<string, object?> { ["Root"] = root, ["Vm"] = vm });

        Assert.Empty(run.Errors);
        var prompt = Assert.Single(host.Interface.Prompts);
        Assert.Contains(vm, prompt.Message, StringComparison.Ordinal);
        Assert.Equal(attached, libvirtd.DomainXml(Setup, vm).Contains(uuid, StringComparison.Ordinal));
        Assert.Equal(attached ? 1 : 0, run.Output.Count);
        if (!attached)
        {
            Assert.Equal(before, HostTree.Snapshot(root));
        }
    }

    [Theory]
    [InlineData(Answer.No, true)]
    [InlineData(Answer.Yes, false)]
    public void Disconnect_with_Confirm_removes_the_hostdev_only_when_confirmed(Answer answer, bool stillAttached)
    {
        var (root, vm, uuid) = LabHostWithDomain("disconnect-" + answer);
        Setup.Invoke(Connect.Replace("-Confirm", "-Confirm:$false", StringComparison.Ordinal), new Dictionary<string, object?> { ["Root"] = root, ["Vm"] = vm });
        Assert.Contains(uuid, libvirtd.DomainXml(Setup, vm), StringComparison.Ordinal);
        var before = HostTree.Snapshot(root);
        var (shell, host) = Session(answer);

        var run = Run(shell, Disconnect, new Dictionary<string, object?> { ["Root"] = root, ["Vm"] = vm });

        Assert.Empty(run.Errors);
        Assert.Contains(vm, Assert.Single(host.Interface.Prompts).Message, StringComparison.Ordinal);
        Assert.Equal(stillAttached, libvirtd.DomainXml(Setup, vm).Contains(uuid, StringComparison.Ordinal));
        if (stillAttached)
        {
            Assert.Equal(before, HostTree.Snapshot(root));
        }
    }

    /// <summary>A converged mtty lab whose qemu:///system is the private daemon, and a shut-off domain of its own.</summary>
    private (string Root, string Vm, string Uuid) LabHostWithDomain(string name)
    {
        var root = NewHost(name, "mtty-lab");
        libvirtd.MapSystemUri(Setup, root);
        var spec = WriteSpec(name + ".yaml", """
            apiVersion: hdiov.dev/v1alpha1
            kind: HostState
            metadata:
              name: confirm-lab
            spec:
              devices:
                - name: mtty
                  select: { parent: mtty }
                  mode: siov
                  vdevs: { mtty-1: 1 }
            """);
        Setup.Invoke("param($Spec, $Root) Set-HdIovHostState -Path $Spec -HostRoot $Root -Confirm:$false | Out-Null",
            new Dictionary<string, object?> { ["Spec"] = spec, ["Root"] = root });
        var vm = "confirm-" + name.ToLowerInvariant();
        libvirtd.DefineDomain(Setup, vm);
        var uuid = (string)Setup.Invoke(
            "param($Root) (Get-HdIovVirtualDevice -HostRoot $Root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/0').Uuid.ToString()",
            new Dictionary<string, object?> { ["Root"] = root }).Single().BaseObject;
        return (root, vm, uuid);
    }
}

/// <summary>
/// One private libvirtd for a test class, started and stopped through the Pester suite's own helpers
/// (<c>tests/pester/HdIov.LibvirtTestHelpers.psm1</c>), so both runners meet the daemon the same way.
/// </summary>
public sealed class PrivateLibvirtd : IDisposable
{
    private readonly InProcessPowerShell _shell = new();
    private readonly PSObject _daemon;

    public PrivateLibvirtd()
    {
        _shell.Invoke("param($Helpers) Import-Module $Helpers -Force", new Dictionary<string, object?> { ["Helpers"] = Helpers });
        _daemon = _shell.Invoke("Start-TestLibvirtd").Single();
    }

    private static string Helpers => Path.Combine(RepositoryLayout.PesterSuiteDirectory, "HdIov.LibvirtTestHelpers.psm1");

    internal void MapSystemUri(InProcessPowerShell shell, string root) =>
        shell.Invoke("param($Helpers, $Root, $Daemon) Import-Module $Helpers; Set-SimulatedLibvirtUri -Root $Root -Daemon $Daemon",
            new Dictionary<string, object?> { ["Helpers"] = Helpers, ["Root"] = root, ["Daemon"] = _daemon });

    internal void DefineDomain(InProcessPowerShell shell, string name) =>
        shell.Invoke("param($Helpers, $Daemon, $Name) Import-Module $Helpers; New-TestDomain $Daemon $Name",
            new Dictionary<string, object?> { ["Helpers"] = Helpers, ["Daemon"] = _daemon, ["Name"] = name });

    internal string DomainXml(InProcessPowerShell shell, string name) =>
        (string)shell.Invoke("param($Helpers, $Daemon, $Name) Import-Module $Helpers; Get-TestDomainXml $Daemon $Name",
            new Dictionary<string, object?> { ["Helpers"] = Helpers, ["Daemon"] = _daemon, ["Name"] = name }).Single().BaseObject;

    public void Dispose()
    {
        _shell.Invoke("param($Daemon) Stop-TestLibvirtd $Daemon", new Dictionary<string, object?> { ["Daemon"] = _daemon });
        _shell.Dispose();
    }
}
