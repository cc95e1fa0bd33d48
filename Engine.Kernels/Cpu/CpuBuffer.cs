namespace ConvEngine.Kernels.Cpu;

/// <summary>
/// CPU memory: a managed float array. Disposal returns the array to the backend's cache; a buffer dropped
/// without disposal leaves its array to the garbage collector, and its finalizer only corrects the accounting
/// (the array may still be read by a kernel that outlives the buffer object, so it is never reused from there).
/// </summary>
internal sealed class CpuBuffer : DeviceBuffer
{
    private readonly BufferCache<float[]> _cache;

    public CpuBuffer(IBackend backend, float[] data, BufferCache<float[]> cache) : base(backend, data.Length)
    {
        Data = data;
        _cache = cache;
    }

    /// <summary>The elements.</summary>
    public float[] Data { get; }

    /// <inheritdoc/>
    protected override void Release() => _cache.Return(Length, Data);

    ~CpuBuffer() => _cache.Forget(Length);
}
