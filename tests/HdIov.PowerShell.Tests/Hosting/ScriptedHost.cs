using System.Globalization;
using System.Management.Automation.Host;

namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>
/// A PowerShell host whose user interface answers prompts from a script of answers (what a person would type at
/// ShouldProcess and ShouldContinue) and keeps everything written to it: the prompts asked, progress records and
/// lines. A prompt the script has no answer for fails the command, so a test also proves which prompts appear.
/// </summary>
internal sealed class ScriptedHost : PSHost
{
    private readonly ScriptedHostUserInterface _ui;

    public ScriptedHost(params Answer[] answers) => _ui = new ScriptedHostUserInterface(answers);

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "HdIov.PowerShell.Tests";

    public override Version Version => new(1, 0);

    public override PSHostUserInterface UI => _ui;

    public ScriptedHostUserInterface Interface => _ui;

    public override void EnterNestedPrompt() => throw new NotSupportedException("The scripted host has no nested prompt.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("The scripted host has no nested prompt.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
    }
}
