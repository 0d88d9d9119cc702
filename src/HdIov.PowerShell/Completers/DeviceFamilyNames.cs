using System.Management.Automation;
using HdIov.Engine.Families;

namespace HdIov.PowerShell.Completers;

/// <summary>The values <c>-Family</c> takes: the engine's device families.</summary>
public sealed class DeviceFamilyNames : IValidateSetValuesGenerator
{
    public string[] GetValidValues() => [.. DeviceFamilies.Names];
}
