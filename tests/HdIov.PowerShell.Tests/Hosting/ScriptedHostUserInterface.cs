using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>The user interface of <see cref="ScriptedHost"/>.</summary>
internal sealed class ScriptedHostUserInterface(IEnumerable<Answer> answers) : PSHostUserInterface
{
    private readonly ConcurrentQueue<Answer> _answers = new(answers);
    private readonly ConcurrentQueue<Prompt> _prompts = new();
    private readonly ConcurrentQueue<ProgressRecord> _progress = new();
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Called with each progress record as it arrives, on the pipeline thread (a test may stop the pipeline there).</summary>
    public Action<ProgressRecord>? OnProgress { get; set; }

    public IReadOnlyList<Prompt> Prompts => [.. _prompts];

    public IReadOnlyList<ProgressRecord> Progress => [.. _progress];

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Answers the script held that no prompt asked for.</summary>
    public int UnusedAnswers => _answers.Count;

    public override PSHostRawUserInterface? RawUI => null;

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var labels = choices.Select(c => c.Label.Replace("&", string.Empty, StringComparison.Ordinal)).ToList();
        if (!_answers.TryDequeue(out var answer))
        {
            throw new InvalidOperationException($"Unexpected prompt '{caption}': {message} [{string.Join(" / ", labels)}]");
        }

        var label = answer switch
        {
            Answer.Yes => "Yes",
            Answer.YesToAll => "Yes to All",
            Answer.No => "No",
            _ => "No to All",
        };
        var index = labels.FindIndex(l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            throw new InvalidOperationException($"The prompt '{caption}' offers no '{label}': [{string.Join(" / ", labels)}]");
        }

        _prompts.Enqueue(new Prompt(caption, message, labels, answer));
        return index;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw new InvalidOperationException($"Unexpected field prompt '{caption}': {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new InvalidOperationException($"Unexpected credential prompt '{caption}': {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new InvalidOperationException($"Unexpected credential prompt '{caption}': {message}");

    public override string ReadLine() => throw new InvalidOperationException("Unexpected Read-Host.");

    public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("Unexpected Read-Host -AsSecureString.");

    public override void Write(string value) => _lines.Enqueue(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _lines.Enqueue(value);

    public override void WriteLine(string value) => _lines.Enqueue(value);

    public override void WriteErrorLine(string value) => _lines.Enqueue("ERROR: " + value);

    public override void WriteDebugLine(string message) => _lines.Enqueue("DEBUG: " + message);

    public override void WriteVerboseLine(string message) => _lines.Enqueue("VERBOSE: " + message);

    public override void WriteWarningLine(string message) => _lines.Enqueue("WARNING: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _progress.Enqueue(record);
        OnProgress?.Invoke(record);
    }
}
