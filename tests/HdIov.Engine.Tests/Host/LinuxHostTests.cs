using System.Diagnostics;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;

namespace HdIov.Engine.Tests.Host;

[Trait("Category", "Execution")]
public sealed class LinuxHostTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hdiov-linuxhost-" + Guid.NewGuid().ToString("N")[..8]);

    public LinuxHostTests() => Directory.CreateDirectory(_root);

    [Fact]
    public void KernelRelease_ThroughUname_MatchesTheUnameTool()
    {
        var release = new LinuxHost().KernelRelease;

        Assert.Equal("Linux", release.SystemName);
        Assert.Equal(Run("uname", "-r"), release.Release);
        Assert.Equal(Run("uname", "-m"), release.Machine);
    }

    [Fact]
    public void CpuId_ExtendedLeafOnThisMachine_ReportsTheHighestExtendedLeaf()
    {
        // Leaf numbers and register values above 0x7fffffff must pass through as bit patterns.
        var highest = new LinuxHost().CpuId(0x8000_0000, 0);

        Assert.InRange(highest.Eax, 0x8000_0000u, 0x8000_00ffu);
    }

    [Fact]
    public void WriteAttribute_OnAMissingFile_ReportsEnoentWithThePath()
    {
        var host = new LinuxHost(_root);

        var error = Assert.Throws<HostIoException>(() => host.WriteAttribute("/sys/bus/pci/devices/0000:6b:00.0/sriov_numvfs", "4"));

        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Equal("open", error.Operation);
        Assert.Equal("/sys/bus/pci/devices/0000:6b:00.0/sriov_numvfs", error.Path);
        Assert.Contains("sriov_numvfs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolvePath_AbsoluteLinkTarget_StaysInsideTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc", "marker"), "inside");
        Directory.CreateDirectory(Path.Combine(_root, "sys"));
        File.CreateSymbolicLink(Path.Combine(_root, "sys", "escape"), "/etc");
        var host = new LinuxHost(_root);

        Assert.Equal("/etc", host.ResolvePath("/sys/escape"));
        Assert.Equal("inside", host.ReadText(host.ResolvePath("/sys/escape") + "/marker"));
    }

    [Fact]
    public void ReadLink_GivesTheTargetOfALinkEvenDangling_AndNullForAFileOrNothing()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sys"));
        File.WriteAllText(Path.Combine(_root, "sys", "file"), "1");
        File.CreateSymbolicLink(Path.Combine(_root, "sys", "group"), "../kernel/iommu_groups/7");
        File.CreateSymbolicLink(Path.Combine(_root, "sys", "dangling"), "../gone");
        var host = new LinuxHost(_root);

        Assert.Equal("../kernel/iommu_groups/7", host.ReadLink("/sys/group"));
        Assert.Equal("../gone", host.ReadLink("/sys/dangling"));
        Assert.Null(host.ReadLink("/sys/file"));
        Assert.Null(host.ReadLink("/sys/missing"));
        Assert.Null(host.ReadLink("/sys/file/under-a-file"));
    }

    [Fact]
    public void ListDirectory_NamesLinksWithoutFollowingThem_InOrdinalOrder()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sys", "devices", "b"));
        File.CreateSymbolicLink(Path.Combine(_root, "sys", "devices", "C"), "b");
        File.CreateSymbolicLink(Path.Combine(_root, "sys", "devices", "a"), "../nowhere");
        File.WriteAllText(Path.Combine(_root, "sys", "devices", "uevent"), string.Empty);
        var host = new LinuxHost(_root);

        Assert.Equal(["C", "a", "b", "uevent"], host.ListDirectory("/sys/devices"));
        Assert.Empty(host.ListDirectory("/sys/missing"));
    }

    [Fact]
    public void ListDirectory_ThroughALinkToADirectory_ListsTheTarget_AndRefusesAFileWithItsErrno()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sys", "devices", "pf"));
        File.WriteAllText(Path.Combine(_root, "sys", "devices", "pf", "vendor"), "0x8086\n");
        File.CreateSymbolicLink(Path.Combine(_root, "sys", "link"), "devices/pf");
        var host = new LinuxHost(_root);

        Assert.Equal(["vendor"], host.ListDirectory("/sys/link"));
        Assert.Empty(host.ListDirectory("/sys/devices/pf/vendor/below-a-file"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(70_000)]
    public void TryReadBytes_ReadsTheWholeFile_WhateverItsLength(int length)
    {
        var content = Enumerable.Range(0, length).Select(i => (byte)(i * 31)).ToArray();
        Directory.CreateDirectory(Path.Combine(_root, "var"));
        File.WriteAllBytes(Path.Combine(_root, "var", "file"), content);
        var host = new LinuxHost(_root);

        Assert.Equal(content, host.TryReadBytes("/var/file"));
        Assert.Equal(content, host.ReadBytes("/var/file"));
    }

    [Fact]
    public void TryReadText_DropsAByteOrderMark_AndIsNullWhenTheFileOrAFolderOnItsPathIsMissing()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc", "conf"), "[GENERAL]\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var host = new LinuxHost(_root);

        Assert.Equal("[GENERAL]\n", host.TryReadText("/etc/conf"));
        Assert.Null(host.TryReadText("/etc/missing"));
        Assert.Null(host.TryReadText("/nowhere/missing"));
        Assert.Null(host.TryReadText("/etc/conf/below-a-file"));
    }

    [Fact]
    public void ReadText_OfAMissingFileOrAFolder_ReportsTheErrnoWithThePath()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc", "folder"));
        var host = new LinuxHost(_root);

        var missing = Assert.Throws<HostIoException>(() => host.ReadText("/etc/missing"));
        var folder = Assert.Throws<HostIoException>(() => host.ReadText("/etc/folder"));

        Assert.Equal((Errno.ENOENT, "/etc/missing"), (missing.Errno, missing.Path));
        Assert.Equal((Errno.EISDIR, "/etc/folder", "read"), (folder.Errno, folder.Path, folder.Operation));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("/sys/../etc/shadow")]
    [InlineData("/sys/./x")]
    [InlineData("/sys/\0x")]
    public void AnyOperation_OnAnUnsafePath_IsRefusedBeforeTouchingTheFileSystem(string path)
    {
        var host = new LinuxHost(_root);

        Assert.Throws<ArgumentException>(() => host.WriteFile(path, "x"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Run(string program, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(program, argument) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
