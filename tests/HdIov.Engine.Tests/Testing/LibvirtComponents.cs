using System.Runtime.InteropServices;

namespace HdIov.Engine.Tests.Testing;

/// <summary>
/// The real libvirt parts the VM tests drive. A missing part fails the test with the Debian package to install;
/// nothing is skipped.
/// </summary>
internal static class LibvirtComponents
{
    public static void RequireLibrary()
    {
        if (!NativeLibrary.TryLoad("libvirt.so.0", out var handle))
        {
            Assert.Fail("libvirt.so.0 is missing: install the Debian package libvirt0 (apt-get install libvirt0)");
        }

        NativeLibrary.Free(handle);
    }

    /// <summary>The full path of a program, or a failure naming its package.</summary>
    public static string RequireProgram(string name, string package)
    {
        foreach (var directory in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        Assert.Fail($"{name} is missing: install the Debian package {package} (apt-get install {package})");
        return name;
    }
}
