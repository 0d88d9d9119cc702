using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Host;

/// <summary>The machine this process runs on, rooted at <c>/</c> (or at another root for a chroot-style view).</summary>
public sealed class LinuxHost : IHost
{
    private readonly RootedFileSystem _files;

    public LinuxHost(string root = "/")
    {
        _files = new RootedFileSystem(root);
    }

    public string Root => _files.Root;

    public bool IsSimulated => false;

    public KernelRelease KernelRelease => NativeIo.Uname();

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    public bool Exists(string path) => _files.Exists(path);

    public bool IsDirectory(string path) => _files.IsDirectory(path);

    public string ReadText(string path) => _files.ReadText(path);

    public byte[] ReadBytes(string path) => _files.ReadBytes(path);

    public string? TryReadText(string path) => _files.TryReadText(path);

    public byte[]? TryReadBytes(string path) => _files.TryReadBytes(path);

    public IReadOnlyList<string> ListDirectory(string path) => _files.ListDirectory(path);

    public string? ReadLink(string path) => _files.ReadLink(path);

    public string ResolvePath(string path) => _files.ResolvePath(path);

    public void WriteAttribute(string path, string value) => _files.WriteAttribute(path, value);

    public void WriteFile(string path, string content) => _files.WriteFile(path, content);

    public void AppendFile(string path, string content) => _files.AppendFile(path, content);

    public void DeleteFile(string path) => _files.DeleteFile(path);

    public void DeleteDirectory(string path) => _files.DeleteDirectory(path);

    public CpuIdResult CpuId(uint leaf, uint subleaf)
    {
        if (!X86Base.IsSupported)
        {
            return default;
        }

        // Register values are bit fields: leaf 0x80000000 and ECX bit 31 (hypervisor) do not fit a signed int.
        var (eax, ebx, ecx, edx) = X86Base.CpuId(unchecked((int)leaf), unchecked((int)subleaf));
        return new CpuIdResult(unchecked((uint)eax), unchecked((uint)ebx), unchecked((uint)ecx), unchecked((uint)edx));
    }

    public IDisposable Lock(string path, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        FileLock.Acquire(_files, path, timeout, () => Now, cancellationToken);

    public CommandResult Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        process.WaitForExitAsync(cancellationToken).GetAwaiter().GetResult();
        return new CommandResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
