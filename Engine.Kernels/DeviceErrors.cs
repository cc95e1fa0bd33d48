using System.Globalization;

namespace ConvEngine.Kernels;

/// <summary>The messages every backend words alike: tensors on two devices, and memory running out.</summary>
public static class DeviceErrors
{
    /// <summary>
    /// PyTorch's text for operands on different devices, <paramref name="first"/> being the device of the operand
    /// PyTorch names first: <c>Expected all tensors to be on the same device, but found at least two devices, opencl:0 and cpu!</c>
    /// </summary>
    public static string Mismatch(string first, string second) =>
        $"Expected all tensors to be on the same device, but found at least two devices, {first} and {second}!";

    /// <summary>Bytes in PyTorch's short form, <c>8.00 GiB</c>, as its CUDA out-of-memory message writes them.</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? $"{bytes} bytes"
            : string.Create(CultureInfo.InvariantCulture, $"{value:F2} {units[unit]}");
    }
}

/// <summary>
/// A device could not provide the memory asked for. The one-line message names the device, the bytes asked for
/// and the bytes free: <c>out of memory on cpu: tried to allocate 8.00 GiB (8589934588 bytes) with 1.50 GiB
/// (1610612736 bytes) free</c>, followed by the reason where there is one beyond the free bytes.
/// </summary>
public sealed class OutOfDeviceMemoryException : ConvEngineException
{
    /// <summary>Creates the exception for <paramref name="requestedBytes"/> asked of <paramref name="device"/> with <paramref name="freeBytes"/> free.</summary>
    /// <param name="device">the device as messages name it: <c>cpu</c>, <c>opencl:0 (device name)</c></param>
    /// <param name="requestedBytes">the size of the allocation that failed</param>
    /// <param name="freeBytes">what the device had free at the time, as well as it can tell</param>
    /// <param name="reason">why, when not simply the free bytes: e.g. a per-allocation limit; null otherwise</param>
    /// <param name="inner">the runtime's or driver's own failure, if any</param>
    public OutOfDeviceMemoryException(string device, long requestedBytes, long freeBytes, string? reason = null, Exception? inner = null)
        : base(FormatMessage(device, requestedBytes, freeBytes, reason), inner)
    {
        Device = device;
        RequestedBytes = requestedBytes;
        FreeBytes = freeBytes;
    }

    /// <summary>The device as messages name it.</summary>
    public string Device { get; }

    /// <summary>The allocation that failed, in bytes.</summary>
    public long RequestedBytes { get; }

    /// <summary>The bytes free on the device when it failed.</summary>
    public long FreeBytes { get; }

    private static string FormatMessage(string device, long requested, long free, string? reason) =>
        $"out of memory on {device}: tried to allocate {DeviceErrors.FormatBytes(requested)} ({requested} bytes) "
        + $"with {DeviceErrors.FormatBytes(Math.Max(free, 0))} ({Math.Max(free, 0)} bytes) free" + (reason is null ? "" : $"; {reason}");
}
