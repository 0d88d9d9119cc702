namespace HdIov.Engine.Host;

/// <summary>Validation and joining of host-namespace paths. Nothing that fails here reaches the file system.</summary>
public static class HostPath
{
    public static string Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/')
        {
            throw new ArgumentException($"host path '{Printable(path)}' must be absolute", nameof(path));
        }

        if (path.Length > 4096 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"host path '{Printable(path)}' is too long or contains NUL", nameof(path));
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "." or "..")
            {
                throw new ArgumentException($"host path '{Printable(path)}' contains '{segment}'", nameof(path));
            }
        }

        return path;
    }

    /// <summary>Joins a validated directory and one path segment that must not contain a separator or dot-segment.</summary>
    public static string Combine(string directory, string name)
    {
        if (!IsSafeSegment(name))
        {
            throw new ArgumentException($"'{Printable(name)}' is not a valid file name under {directory}", nameof(name));
        }

        return directory.EndsWith('/') ? directory + name : directory + "/" + name;
    }

    public static bool IsSafeSegment(string name) =>
        name.Length is > 0 and <= 255
        && name is not ("." or "..")
        && !name.Contains('/', StringComparison.Ordinal)
        && !name.Contains('\0', StringComparison.Ordinal);

    public static string Parent(string path)
    {
        var index = path.TrimEnd('/').LastIndexOf('/');
        return index <= 0 ? "/" : path[..index];
    }

    /// <summary>A form of an untrusted string safe to echo in messages.</summary>
    public static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
    }
}
