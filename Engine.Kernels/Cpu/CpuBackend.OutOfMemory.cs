namespace ConvEngine.Kernels.Cpu;

// Out of memory on the CPU: the runtime's OutOfMemoryException becomes the one-line error every backend gives.
public sealed partial class CpuBackend
{
    /// <summary>
    /// Runs <paramref name="allocate"/> for a buffer of <paramref name="length"/> floats, turning a request the
    /// process cannot hold into an <see cref="OutOfDeviceMemoryException"/> naming the bytes asked and free.
    /// </summary>
    private static T ReportingOutOfMemory<T>(int length, Func<T> allocate)
    {
        long bytes = 4L * length;
        // Past the largest array the runtime makes, or past all the memory the process may use: refused before trying.
        if (length > Array.MaxLength)
            throw new OutOfDeviceMemoryException("cpu", bytes, FreeBytes(),
                $"a CPU buffer holds at most {Array.MaxLength} floats");
        if (bytes > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)
            throw new OutOfDeviceMemoryException("cpu", bytes, FreeBytes(),
                $"more than the {DeviceErrors.FormatBytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} this process may use");
        try
        {
            return allocate();
        }
        catch (OutOfMemoryException e)
        {
            throw new OutOfDeviceMemoryException("cpu", bytes, FreeBytes(), inner: e);
        }
    }

    /// <summary>
    /// The memory the process could still use, as the garbage collector last measured it: the machine's (or the
    /// container's, or the GC heap limit's) total less what was in use.
    /// </summary>
    internal static long FreeBytes()
    {
        var info = GC.GetGCMemoryInfo();
        return Math.Max(0, info.TotalAvailableMemoryBytes - Math.Max(info.MemoryLoadBytes, info.HeapSizeBytes));
    }
}
