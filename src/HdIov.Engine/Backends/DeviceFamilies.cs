using HdIov.Engine.Discovery;

namespace HdIov.Engine.Backends;

public static class DeviceFamilies
{
    private const ushort IntelVendorId = 0x8086;

    public static DeviceFamily Classify(PciFunction function) =>
        function.VendorId != IntelVendorId ? DeviceFamily.Generic
        : QatSiovBackend.PfDeviceIds.Contains(function.DeviceId) ? DeviceFamily.Qat4xxx
        : IceSiovBackend.PfDeviceIds.Contains(function.DeviceId) ? DeviceFamily.E810
        : DeviceFamily.Generic;
}
