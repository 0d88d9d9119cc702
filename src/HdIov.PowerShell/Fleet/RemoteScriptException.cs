namespace HdIov.PowerShell.Fleet;

/// <summary>A script run on a reachable host failed in a way its answer does not describe.</summary>
public sealed class RemoteScriptException(string message, Exception? inner) : Exception(message, inner);
