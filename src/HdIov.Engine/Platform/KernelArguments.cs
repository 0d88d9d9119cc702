namespace HdIov.Engine.Platform;

/// <summary>
/// Which kernel arguments the engine writes. <c>/etc/default/grub</c> is a shell fragment that update-grub
/// sources as root, so besides whitespace and control characters, shell syntax (quotes, <c>$</c>, backticks,
/// backslashes, <c>;&amp;|&lt;&gt;()</c>) is refused: an argument can never run a command.
/// </summary>
public static class KernelArguments
{
    public const string ForbiddenCharacters = "\"'`$\\;&|<>()";

    public static string? Problem(string argument) =>
        argument.Length == 0 ? "is empty"
        : argument.Any(char.IsWhiteSpace) ? "contains whitespace"
        : argument.Any(c => c is < '!' or > '~') ? "contains control or non-ASCII characters"
        : argument.Any(c => ForbiddenCharacters.Contains(c, StringComparison.Ordinal)) ? $"contains shell syntax (one of {ForbiddenCharacters})"
        : null;
}
