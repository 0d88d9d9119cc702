namespace HdIov.PowerShell.Tests.Hosting;

/// <summary>A choice prompt the host was shown, and the answer it gave.</summary>
internal sealed record Prompt(string Caption, string Message, IReadOnlyList<string> Choices, Answer Answer);
