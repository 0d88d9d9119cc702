namespace HdIov.Testing.Redfish;

/// <summary>One request the emulator answered: what was asked, with which body and If-Match, and the status it got.</summary>
public sealed record RecordedRequest(string Method, string Path, string Body, string? IfMatch, string? Authorization, int Status);
