namespace HdIov.Engine.Attachments;

/// <summary>What the engine takes as a libvirt connection URI: a scheme, then printable ASCII without spaces.</summary>
public static class LibvirtUri
{
    public const int MaxLength = 1024;

    public static bool IsValid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf(':', StringComparison.Ordinal);
        return text.Length is > 0 and <= MaxLength
            && text.All(c => c is > ' ' and <= '~')
            && schemeEnd > 0
            && char.IsAsciiLetter(text[0])
            && text[..schemeEnd].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }
}
