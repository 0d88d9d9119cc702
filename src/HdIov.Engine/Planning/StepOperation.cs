using System.Text.Json.Serialization;
using HdIov.Engine.Hardware.Pci;

namespace HdIov.Engine.Planning;

/// <summary>The concrete host change a step makes. Each kind has one handler in Execution.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(CreateMdev), "createMdev")]
[JsonDerivedType(typeof(RemoveMdev), "removeMdev")]
[JsonDerivedType(typeof(PersistMdev), "persistMdev")]
[JsonDerivedType(typeof(AdoptMdev), "adoptMdev")]
[JsonDerivedType(typeof(ConfigureQat), "configureQat")]
[JsonDerivedType(typeof(SetVfCount), "setVfCount")]
[JsonDerivedType(typeof(BindVfDriver), "bindVfDriver")]
public abstract record StepOperation
{
    public abstract string Describe();
}

/// <summary>Create a mediated device and, when <see cref="Persist"/> says so, persist it for reboots.</summary>
public sealed record CreateMdev(string Parent, string Type, Guid Uuid, string VdevName, Discovery.Persistence Persist) : StepOperation
{
    public override string Describe() => $"create {Type} {Uuid} on {Parent}";
}

/// <summary>Remove a mediated device and its persisted definition.</summary>
public sealed record RemoveMdev(string Parent, string Type, Guid Uuid, string? VdevName) : StepOperation
{
    public override string Describe() => $"remove {Type} {Uuid} from {Parent}";
}

/// <summary>Record a live VDEV as owned and write its persisted definition.</summary>
public sealed record PersistMdev(string Parent, string Type, Guid Uuid, string VdevName, Discovery.Persistence Persist) : StepOperation
{
    public override string Describe() => $"persist {Type} {Uuid} on {Parent} ({Persist})";
}

/// <summary>Take over a VDEV the engine did not create: record it as owned under a spec name and persist it.</summary>
public sealed record AdoptMdev(string Parent, string Type, Guid Uuid, string VdevName, Discovery.Persistence Persist) : StepOperation
{
    public override string Describe() => $"adopt {Type} {Uuid} on {Parent} as {VdevName}";
}

/// <summary>Rewrite a QAT PF's services and ADI count and restart that device, which re-registers its mdev parent.</summary>
public sealed record ConfigureQat(PciAddress Pf, int DeviceIndex, string ConfigPath, IReadOnlyList<string> Services, int NumberAdis) : StepOperation
{
    public override string Describe() => $"configure QAT {Pf}: services {string.Join(';', Services)}, NumberAdis {NumberAdis}, restart qat_dev{DeviceIndex}";
}

/// <summary>Write <c>sriov_numvfs</c> (to 0 first when changing a non-zero count: the kernel answers EBUSY otherwise).</summary>
public sealed record SetVfCount(PciAddress Pf, int From, int To) : StepOperation
{
    public override string Describe() => $"set {Pf} sriov_numvfs {From} -> {To}";
}

/// <summary>Bind a VF to a driver through <c>driver_override</c>, unbind and <c>drivers_probe</c>.</summary>
public sealed record BindVfDriver(PciAddress Vf, string? From, string Driver) : StepOperation
{
    public override string Describe() => $"bind {Vf} to {Driver}";
}
