namespace ConvEngine.Kernels;

/// <summary>
/// A block of float32 memory owned by one backend. Backends subclass it with their native handle
/// (a managed array on the CPU, a cl_mem or CUdeviceptr on a GPU).
/// </summary>
public abstract class DeviceBuffer : IDisposable
{
    /// <summary>Creates a buffer record of <paramref name="length"/> floats belonging to <paramref name="backend"/>.</summary>
    protected DeviceBuffer(IBackend backend, int length)
    {
        Backend = backend;
        Length = length;
    }

    /// <summary>The backend whose memory this is.</summary>
    public IBackend Backend { get; }

    /// <summary>Number of float32 elements.</summary>
    public int Length { get; }

    /// <summary>Releases the native memory; a disposed buffer must not be used again.</summary>
    public abstract void Dispose();
}
