using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution.Handlers;

/// <summary>Writes a firmware attribute's <c>current_value</c>; the firmware applies it at the next boot.</summary>
internal static class SetFirmwareAttributeHandler
{
    public static void Execute(IHost host, SetFirmwareAttribute operation)
    {
        var attribute = HostPath.Combine(
            HostPath.Combine(HostPath.Combine(HostPath.Combine(KernelPaths.FirmwareAttributes, operation.Driver), "attributes"), operation.Name),
            "current_value");
        host.WriteAttribute(attribute, operation.To);
    }
}
