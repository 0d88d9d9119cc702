using System.Security.Cryptography;
using System.Text;

namespace HdIov.Engine.Model;

/// <summary>
/// Deterministic VDEV UUIDs: a UUIDv5 (RFC 9562, SHA-1) of the host name and the VDEV name, so a re-created
/// VDEV keeps its UUID and attachments survive re-creation and reboots.
/// </summary>
public static class VdevIdentity
{
    /// <summary>The project's namespace UUID; it never changes, or every VDEV on every host would get a new identity.</summary>
    public static readonly Guid Namespace = new("6f2b3c1e-9a4d-5e8f-b1c2-4d5e6f708192");

    public static Guid UuidFor(string hostName, VdevName vdev) => UuidV5(Namespace, $"{hostName}/{vdev}");

    public static Guid UuidV5(Guid namespaceId, string name)
    {
        Span<byte> namespaceBytes = stackalloc byte[16];
        WriteBigEndian(namespaceId, namespaceBytes);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceBytes.CopyTo(input);
        nameBytes.CopyTo(input, 16);
#pragma warning disable CA5350 // UUIDv5 is defined over SHA-1; it is an identifier, not a security boundary.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80);
        return ReadBigEndian(hash.AsSpan(0, 16));
    }

    private static void WriteBigEndian(Guid guid, Span<byte> destination) =>
        guid.TryWriteBytes(destination, bigEndian: true, out _);

    private static Guid ReadBigEndian(ReadOnlySpan<byte> source) => new(source, bigEndian: true);
}
