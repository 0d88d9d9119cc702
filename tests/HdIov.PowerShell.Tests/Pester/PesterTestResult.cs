namespace HdIov.PowerShell.Tests.Pester;

/// <summary>One Pester test as Invoke-PesterFile.ps1 reports it: its key in the file, tags, and outcome.</summary>
internal sealed record PesterTestResult(string Key, IReadOnlyList<string> Tags, bool Skip, string Result, string Message);
