namespace HdIov.Pulumi.Tests.Testing;

/// <summary>Finds the shared third-party fixtures (<c>shared/fixtures</c>) in a folder above the test's.</summary>
internal static class SharedFixtures
{
    public static string PathOf(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "fixtures", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/fixtures/{relative} was not found in any folder above {AppContext.BaseDirectory}");
    }
}
