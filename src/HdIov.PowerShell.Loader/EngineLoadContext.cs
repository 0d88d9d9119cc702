using System.Reflection;
using System.Runtime.Loader;

namespace HdIov.PowerShell.Loader;

/// <summary>
/// The private load context of the engine and its packages (YamlDotNet): they load from the module's
/// <c>dependencies</c> folder, so another module that brings a different YamlDotNet into the default context neither
/// breaks HdIov nor is broken by it. Whatever the folder does not hold (the framework) comes from the default context.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public EngineLoadContext(string directory)
        : base("HdIov", isCollectible: false)
    {
        _directory = directory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(['/', '\\']) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var path = System.IO.Path.Combine(_directory, name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
