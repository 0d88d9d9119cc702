using HdIov.Engine.Backends;

namespace HdIov.Engine.Discovery;

/// <summary>
/// Finds a QAT PF's <c>/etc/4xxx_devN.conf</c>: the out-of-tree driver numbers its devices in probe order, which
/// for the on-die PFs is address order, as the planner and the readiness checks also assume.
/// </summary>
public static class QatConfigs
{
    public static QatDeviceConfig? Find(PciFunction function, HostState state)
    {
        var index = state.Functions
            .Where(f => !f.IsVirtualFunction && DeviceFamilies.Classify(f) == DeviceFamily.Qat4xxx)
            .OrderBy(f => f.Address)
            .ToList()
            .FindIndex(f => f.Address == function.Address);
        return index < 0 ? null : state.QatConfigs.FirstOrDefault(c => c.Index == index);
    }
}
