using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace HdIov.PowerShell.Loader;

/// <summary>
/// Runs when the module is imported and removed. The cmdlet assembly lives in the default load context and refers to
/// the engine, which is laid out in the <c>dependencies</c> folder where default probing does not look; the first
/// time the default context asks for the engine, this hook loads it into <see cref="EngineLoadContext"/>, and the
/// engine's own references (YamlDotNet) are then resolved there too.
/// </summary>
public sealed class ModuleLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>The folder, beside the module assembly, that holds the engine and its packages.</summary>
    public const string DependencyFolder = "dependencies";

    private const string EngineAssemblyName = "HdIov.Engine";

    private static readonly Lazy<EngineLoadContext> Context = new(() => new EngineLoadContext(
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(ModuleLoader).Assembly.Location) ?? ".", DependencyFolder)));

    public void OnImport()
    {
        // Import-Module -Force runs this again for the same assembly; one hook is enough.
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName assemblyName) =>
        string.Equals(assemblyName.Name, EngineAssemblyName, StringComparison.Ordinal)
            ? Context.Value.LoadFromAssemblyName(assemblyName)
            : null;
}
