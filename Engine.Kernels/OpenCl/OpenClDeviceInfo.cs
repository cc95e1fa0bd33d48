using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>What OpenCL reports about one device, read once when the platforms are probed.</summary>
internal sealed record OpenClDeviceInfo(
    nint Platform, string PlatformName, nint Device, string Name, string Kind, string Version, string CVersion,
    string Driver, int ComputeUnits, ulong GlobalMemory, ulong MaxAllocation, bool CorrectlyRoundedDivide)
{
    /// <summary>Reads the properties of <paramref name="device"/> on <paramref name="platform"/>.</summary>
    public static OpenClDeviceInfo Read(nint platform, string platformName, nint device)
    {
        ulong type = ClInfo.DeviceValue<ulong>(device, ClApi.DeviceType);
        string kind = (type & ClApi.DeviceTypeGpu) != 0 ? "GPU"
            : (type & ClApi.DeviceTypeCpu) != 0 ? "CPU"
            : (type & ClApi.DeviceTypeAccelerator) != 0 ? "accelerator" : "custom";
        return new OpenClDeviceInfo(platform, platformName, device,
            ClInfo.DeviceString(device, ClApi.DeviceName), kind,
            ClInfo.DeviceString(device, ClApi.DeviceVersion), ClInfo.DeviceString(device, ClApi.DeviceOpenClCVersion),
            ClInfo.DeviceString(device, ClApi.DriverVersion),
            (int)ClInfo.DeviceValue<uint>(device, ClApi.DeviceMaxComputeUnits),
            ClInfo.DeviceValue<ulong>(device, ClApi.DeviceGlobalMemSize),
            ClInfo.DeviceValue<ulong>(device, ClApi.DeviceMaxMemAllocSize),
            (ClInfo.DeviceValue<ulong>(device, ClApi.DeviceSingleFpConfig) & ClApi.FpCorrectlyRoundedDivideSqrt) != 0);
    }
}
