using System.Text;

namespace HdIov.Engine.Host;

/// <summary>How the engine reads a host file's bytes as text: UTF-8, a leading byte order mark dropped, as System.IO does.</summary>
public static class HostText
{
    public static string Decode(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);
}
