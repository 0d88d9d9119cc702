using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Platform.BootLoaders;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Hands the new command line to the boot loader the plan was made for.</summary>
internal static class SetBootArgumentsHandler
{
    public static void Execute(IHost host, SetBootArguments operation, CancellationToken cancellationToken)
    {
        var loader = BootLoader.For(operation.BootLoader)
            ?? throw new ArgumentException($"a plan cannot set kernel arguments through boot loader {operation.BootLoader}", nameof(operation));
        loader.Apply(host, operation, cancellationToken);
    }
}
