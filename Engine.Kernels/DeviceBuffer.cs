namespace ConvEngine.Kernels;

/// <summary>
/// A block of float32 memory owned by one backend. Backends subclass it with their native memory (a managed
/// array on the CPU, a cl_mem or CUdeviceptr on a GPU). <see cref="Dispose"/> hands the memory back to the
/// backend's cache for the next allocation of the same length; a buffer dropped without it is reclaimed
/// when the garbage collector finds it.
/// </summary>
public abstract class DeviceBuffer : IDisposable
{
    private int _released;

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

    /// <summary>True once <see cref="Dispose"/> has handed the memory back; every later use throws.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>
    /// Hands the memory back to the backend (once; later calls do nothing). Work already queued on it still
    /// completes first: GPU backends reuse it only through the same in-order queue.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        GC.SuppressFinalize(this);
        Release();
    }

    /// <summary>Returns the native memory to the backend's cache or frees it; called once, by <see cref="Dispose"/>.</summary>
    protected abstract void Release();

    /// <summary>Throws the library's error for a buffer used after <see cref="Dispose"/>.</summary>
    public void ThrowIfReleased()
    {
        if (IsReleased)
            throw new ConvEngineException(
                "a tensor's memory was used after it was released (its TensorScope ended); keep the tensor with scope.Keep(tensor) to use it after the scope");
    }
}
