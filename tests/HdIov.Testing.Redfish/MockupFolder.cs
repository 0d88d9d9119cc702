namespace HdIov.Testing.Redfish;

/// <summary>
/// Finds the DMTF Redfish mockup the emulator serves: the first <c>shared/fixtures/redfish/public-rackmount1</c> folder
/// above the running assembly (worktrees live in /work/wt/&lt;name&gt; and the fixtures in /work/shared).
/// </summary>
public static class MockupFolder
{
    public const string RelativePath = "shared/fixtures/redfish/public-rackmount1";

    public static string Find(string? start = null)
    {
        for (var folder = new DirectoryInfo(start ?? AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, RelativePath);
            if (File.Exists(Path.Combine(candidate, "index.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"no {RelativePath} folder above {start ?? AppContext.BaseDirectory}; the Redfish emulator serves the DMTF mockup from there (check out the shared fixtures beside the repository)");
    }
}
