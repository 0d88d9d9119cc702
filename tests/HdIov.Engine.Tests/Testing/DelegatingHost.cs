using HdIov.Engine.Host;

namespace HdIov.Engine.Tests.Testing;

/// <summary>A host that passes every call to another; test hosts override only what they change.</summary>
public abstract class DelegatingHost(IHost inner) : IHost
{
    protected IHost Inner => inner;

    public string Root => inner.Root;

    public bool IsSimulated => inner.IsSimulated;

    public virtual KernelRelease KernelRelease => inner.KernelRelease;

    public DateTimeOffset Now => inner.Now;

    public virtual CpuIdResult CpuId(uint leaf, uint subleaf) => inner.CpuId(leaf, subleaf);

    public bool Exists(string path) => inner.Exists(path);

    public bool IsDirectory(string path) => inner.IsDirectory(path);

    public string ReadText(string path) => inner.ReadText(path);

    public byte[] ReadBytes(string path) => inner.ReadBytes(path);

    public IReadOnlyList<string> ListDirectory(string path) => inner.ListDirectory(path);

    public string? ReadLink(string path) => inner.ReadLink(path);

    public string ResolvePath(string path) => inner.ResolvePath(path);

    public virtual void WriteAttribute(string path, string value) => inner.WriteAttribute(path, value);

    public void WriteFile(string path, string content) => inner.WriteFile(path, content);

    public void AppendFile(string path, string content) => inner.AppendFile(path, content);

    public void DeleteFile(string path) => inner.DeleteFile(path);

    public void DeleteDirectory(string path) => inner.DeleteDirectory(path);

    public CommandResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        inner.Run(program, arguments, cancellationToken);

    public virtual IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        inner.Lock(path, timeout, cancellationToken);
}
