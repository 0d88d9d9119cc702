using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Tests.Testing;

/// <summary>A real rooted host whose CPUID answers come from a table, to observe a fake tree as a given CPU.</summary>
public sealed class CpuIdHost(IHost inner, IReadOnlyDictionary<(uint Leaf, uint Subleaf), CpuIdResult> leaves, KernelRelease? kernel = null) : IHost
{
    public string Root => inner.Root;

    public bool IsSimulated => inner.IsSimulated;

    public KernelRelease KernelRelease => kernel ?? inner.KernelRelease;

    public DateTimeOffset Now => inner.Now;

    /// <summary>A Xeon Gold 6448H (Sapphire Rapids, family 6 model 0x8F stepping 8) with VMX, ENQCMD and MOVDIR64B.</summary>
    public static IReadOnlyDictionary<(uint, uint), CpuIdResult> SapphireRapids(bool enqcmd = true)
    {
        var leaves = new Dictionary<(uint, uint), CpuIdResult>
        {
            [(0, 0)] = new(0x20, 0x756e6547, 0x6c65746e, 0x49656e69),
            [(1, 0)] = new(0x000806F8, 0, 1u << 5, 0),
            [(7, 0)] = new(0, 0, (enqcmd ? 1u << 29 : 0) | (1u << 28), 0),
            [(0x80000000, 0)] = new(0x80000008, 0, 0, 0),
        };
        var brand = Encoding.ASCII.GetBytes("Intel(R) Xeon(R) Gold 6448H".PadRight(48, '\0'));
        for (var i = 0; i < 3; i++)
        {
            uint Word(int index) => BitConverter.ToUInt32(brand, (i * 16) + (index * 4));
            leaves[(0x80000002u + (uint)i, 0)] = new(Word(0), Word(1), Word(2), Word(3));
        }

        return leaves;
    }

    public CpuIdResult CpuId(uint leaf, uint subleaf) => leaves.TryGetValue((leaf, subleaf), out var result) ? result : default;

    public bool Exists(string path) => inner.Exists(path);

    public bool IsDirectory(string path) => inner.IsDirectory(path);

    public string ReadText(string path) => inner.ReadText(path);

    public byte[] ReadBytes(string path) => inner.ReadBytes(path);

    public IReadOnlyList<string> ListDirectory(string path) => inner.ListDirectory(path);

    public string? ReadLink(string path) => inner.ReadLink(path);

    public string ResolvePath(string path) => inner.ResolvePath(path);

    public void WriteAttribute(string path, string value) => inner.WriteAttribute(path, value);

    public void WriteFile(string path, string content) => inner.WriteFile(path, content);

    public void AppendFile(string path, string content) => inner.AppendFile(path, content);

    public void DeleteFile(string path) => inner.DeleteFile(path);

    public CommandResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        inner.Run(program, arguments, cancellationToken);

    public IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        inner.Lock(path, timeout, cancellationToken);
}
