using HdIov.PowerShell.Tests.Hosting;

namespace HdIov.PowerShell.Tests.Commands;

/// <summary>
/// The confirmation flow of the mutating cmdlets as a person meets it at a console: each ShouldProcess and
/// ShouldContinue prompt is answered by the scripted host, and the host's files show what was (not) done.
/// </summary>
[Trait("Category", "Module")]
public sealed class ConfirmationTests : CommandTestBase
{
    private const string SetState = "param($Spec, $Root) Set-HdIovHostState -Path $Spec -HostRoot $Root";

    private static readonly string QatSpec = TestSpec("qat-two-pfs.yaml");

    [Fact]
    public void Set_with_Confirm_asks_once_per_step_and_applies_the_plan_when_every_step_is_Yes()
    {
        var root = NewHost("yes");
        var steps = PlanStepCount(root, QatSpec);
        Assert.True(steps > 1, $"the spec should need several steps on a fresh host, not {steps}");
        var (shell, host) = Session(Enumerable.Repeat(Answer.Yes, steps).ToArray());

        var run = Run(shell, SetState + " -Confirm", Parameters(QatSpec, root));

        Assert.Empty(run.Errors);
        Assert.Equal(steps, host.Interface.Prompts.Count);
        Assert.All(host.Interface.Prompts, p => Assert.Contains("Performing the operation", p.Message, StringComparison.Ordinal));
        Assert.True(IsConverged(root, QatSpec));
    }

    [Fact]
    public void Set_with_Confirm_and_Yes_to_All_asks_once()
    {
        var root = NewHost("yes-to-all");
        var (shell, host) = Session(Answer.YesToAll);

        var run = Run(shell, SetState + " -Confirm", Parameters(QatSpec, root));

        Assert.Empty(run.Errors);
        Assert.Single(host.Interface.Prompts);
        Assert.True(IsConverged(root, QatSpec));
    }

    [Fact]
    public void Set_with_Confirm_and_No_on_one_step_applies_nothing_and_says_so()
    {
        var root = NewHost("no");
        var before = HostTree.Snapshot(root);
        var (shell, host) = Session(Answer.No, Answer.YesToAll);

        var run = Run(shell, SetState + " -Confirm", Parameters(QatSpec, root));

        Assert.Equal(2, host.Interface.Prompts.Count);
        Assert.Contains(run.Warnings, w => w.Message.StartsWith("Nothing was applied: 1 of", StringComparison.Ordinal));
        Assert.Equal(before, HostTree.Snapshot(root));
    }

    [Fact]
    public void Set_with_Confirm_and_No_to_All_asks_once_and_applies_nothing()
    {
        var root = NewHost("no-to-all");
        var before = HostTree.Snapshot(root);
        var steps = PlanStepCount(root, QatSpec);
        var (shell, host) = Session(Answer.NoToAll);

        var run = Run(shell, SetState + " -Confirm", Parameters(QatSpec, root));

        Assert.Single(host.Interface.Prompts);
        Assert.Contains(run.Warnings, w => w.Message.StartsWith($"Nothing was applied: {steps} of {steps}", StringComparison.Ordinal));
        Assert.Equal(before, HostTree.Snapshot(root));
    }

    [Fact]
    public void Set_asks_before_a_reboot_step_without_Confirm_and_No_leaves_host_ledger_and_journal_as_they_were()
    {
        var root = NewHost("reboot-no");
        var spec = RebootAndSplitSpec();
        var before = HostTree.Snapshot(root);
        var (shell, host) = Session(Answer.No);

        var run = Run(shell, SetState, Parameters(spec, root));

        var prompt = Assert.Single(host.Interface.Prompts);
        Assert.Equal("Confirm host reboot", prompt.Caption);
        Assert.Equal(["Yes", "Yes to All", "No", "No to All", "Suspend"], prompt.Choices);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("HDIOV3007,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(before, HostTree.Snapshot(root));
        Assert.False(File.Exists(Path.Combine(root, "var", "lib", "hdiov", "ledger.json")), "no ledger after a refused plan");
        Assert.False(File.Exists(Path.Combine(root, "var", "lib", "hdiov", "journal.log")), "no journal after a refused plan");
    }

    [Fact]
    public void Set_asks_before_a_reboot_step_without_Confirm_and_Yes_applies_it()
    {
        var root = NewHost("reboot-yes");
        var spec = RebootAndSplitSpec();
        var (shell, host) = Session(Answer.Yes);

        var run = Run(shell, SetState, Parameters(spec, root));

        Assert.Empty(run.Errors);
        Assert.Equal("Confirm host reboot", Assert.Single(host.Interface.Prompts).Caption);
        Assert.Contains("hugepagesz=2M", File.ReadAllText(Path.Combine(root, "etc", "default", "grub")), StringComparison.Ordinal);
        Assert.Contains("apply-finished", File.ReadAllText(Path.Combine(root, "var", "lib", "hdiov", "journal.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void Set_with_Force_does_not_ask_before_a_reboot_step()
    {
        var root = NewHost("reboot-force");
        var (shell, host) = Session();

        var run = Run(shell, SetState + " -Force", Parameters(RebootAndSplitSpec(), root));

        Assert.Empty(run.Errors);
        Assert.Empty(host.Interface.Prompts);
        Assert.Contains("hugepagesz=2M", File.ReadAllText(Path.Combine(root, "etc", "default", "grub")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Answer.No, 0)]
    [InlineData(Answer.Yes, 1)]
    public void New_VirtualDevice_with_Confirm_creates_only_what_is_confirmed(Answer answer, int created)
    {
        var root = NewHost("new-vdev-" + answer, "mtty-lab");
        var (shell, host) = Session(answer);

        var run = Run(shell, "param($Root) New-HdIovVirtualDevice -HostRoot $Root -ParentAddress mtty -Type mtty-1 -Confirm", new Dictionary<string, object?> { ["Root"] = root });

        Assert.Empty(run.Errors);
        Assert.Single(host.Interface.Prompts);
        Assert.Equal(created, run.Output.Count);
        Assert.Equal(created, OwnedVdevCount(root));
    }

    [Theory]
    [InlineData(Answer.No, 1)]
    [InlineData(Answer.Yes, 0)]
    public void Remove_VirtualDevice_with_Confirm_removes_only_what_is_confirmed(Answer answer, int left)
    {
        var root = NewHost("remove-vdev-" + answer, "mtty-lab");
        Setup.Invoke("param($Root) New-HdIovVirtualDevice -HostRoot $Root -ParentAddress mtty -Type mtty-1 -Name console -Confirm:$false | Out-Null",
            new Dictionary<string, object?> { ["Root"] = root });
        var before = HostTree.Snapshot(root);
        var (shell, host) = Session(answer);

        var run = Run(shell, "param($Root) Get-HdIovVirtualDevice -HostRoot $Root -Owned | Remove-HdIovVirtualDevice -HostRoot $Root -Confirm", new Dictionary<string, object?> { ["Root"] = root });

        Assert.Empty(run.Errors);
        Assert.NotEmpty(host.Interface.Prompts);
        Assert.Equal(left, OwnedVdevCount(root));
        if (answer == Answer.No)
        {
            Assert.Equal(before, HostTree.Snapshot(root));
        }
    }

    [Theory]
    [InlineData(Answer.No, false)]
    [InlineData(Answer.Yes, true)]
    public void Restart_SimulatedHost_asks_without_Confirm_at_high_impact(Answer answer, bool rebooted)
    {
        var root = NewHost("restart-" + answer, "mtty-lab");
        var grub = Path.Combine(root, "boot", "grub", "grub.cfg");
        var text = File.ReadAllText(grub);
        Assert.Contains("intel_iommu=on,sm_on", text, StringComparison.Ordinal);
        File.WriteAllText(grub, text.Replace("intel_iommu=on,sm_on", "intel_iommu=on,sm_on hdiov_marker=1", StringComparison.Ordinal));
        var (shell, host) = Session(answer);

        var run = Run(shell, "param($Root) Restart-HdIovSimulatedHost -HostRoot $Root", new Dictionary<string, object?> { ["Root"] = root });

        Assert.Empty(run.Errors);
        Assert.Contains("Reboot the simulated", Assert.Single(host.Interface.Prompts).Message, StringComparison.Ordinal);
        var commandLine = (string)Setup.Invoke("param($Root) (Get-HdIovHost -HostRoot $Root).CommandLine", new Dictionary<string, object?> { ["Root"] = root }).Single().BaseObject;
        Assert.Equal(rebooted, commandLine.Contains("hdiov_marker=1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Answer.No, false)]
    [InlineData(Answer.Yes, true)]
    public void New_SimulatedHost_Force_with_Confirm_replaces_a_host_only_when_confirmed(Answer answer, bool replaced)
    {
        var root = NewHost("replace-" + answer);
        var before = HostTree.Snapshot(root);
        var (shell, host) = Session(answer);

        var run = Run(shell, "param($Root) New-HdIovSimulatedHost -Profile mtty-lab -Path $Root -Force -Confirm", new Dictionary<string, object?> { ["Root"] = root });

        Assert.Empty(run.Errors);
        Assert.Contains("Create a simulated mtty-lab host", Assert.Single(host.Interface.Prompts).Message, StringComparison.Ordinal);
        Assert.Equal(replaced ? 1 : 0, run.Output.Count);
        Assert.Equal(!replaced, before.SequenceEqual(HostTree.Snapshot(root)));
    }

    private static Dictionary<string, object?> Parameters(string spec, string root) => new() { ["Spec"] = spec, ["Root"] = root };

    /// <summary>A plan with a host-reboot step (one more kernel argument) and steps that do not need one (a QAT split).</summary>
    private string RebootAndSplitSpec() => WriteSpec("reboot-and-split.yaml", """
        apiVersion: hdiov.dev/v1alpha1
        kind: HostState
        metadata:
          name: sdk-node
        spec:
          platform:
            kernelArgs: [ "hugepagesz=2M" ]
          devices:
            - name: qat
              select:
                pciAddress: [ "0000:6b:00.0", "0000:70:00.0" ]
              mode: siov
              services: [ asym, dc ]
              vdevs: { asym: 2, dc: 1 }
        """);

    private int OwnedVdevCount(string root) =>
        Setup.Invoke("param($Root) @(Get-HdIovVirtualDevice -HostRoot $Root -Owned).Count", new Dictionary<string, object?> { ["Root"] = root }).Single().BaseObject is int count ? count : -1;
}
