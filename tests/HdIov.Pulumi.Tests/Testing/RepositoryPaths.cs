namespace HdIov.Pulumi.Tests.Testing;

/// <summary>Files of the repository the tests read (examples), found from the test's own folder.</summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "HdIov.Iac.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} holds HdIov.Iac.sln");
        }
    }

    public static string Of(string relative) => Path.Combine(Root, relative);
}
