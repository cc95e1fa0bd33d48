namespace ConvEngine.Kernels;

/// <summary>
/// A buffer of a device backend (OpenCL, CUDA) holding a native memory handle from the backend's
/// <see cref="BufferCache{TMemory}"/>. Disposal returns the handle to the cache (reuse goes through the backend's one
/// in-order queue or stream, so work already queued on it finishes first) or frees it when the cache is full; a buffer
/// dropped without disposal is freed by its handle's finalizer, and its own finalizer corrects the accounting.
/// </summary>
internal abstract class NativeBuffer<TMemory> : DeviceBuffer where TMemory : class, IDisposable
{
    private readonly BufferCache<TMemory>? _cache;

    /// <summary>Wraps <paramref name="memory"/> from <paramref name="cache"/>'s accounting, or no memory at all for an empty buffer (both null).</summary>
    protected NativeBuffer(IBackend backend, int length, TMemory? memory, BufferCache<TMemory>? cache) : base(backend, length)
    {
        Memory = memory;
        _cache = cache;
        if (cache is null) GC.SuppressFinalize(this);
    }

    /// <summary>The native memory; null when <see cref="DeviceBuffer.Length"/> is 0 (neither API allocates empty buffers).</summary>
    public TMemory? Memory { get; }

    /// <inheritdoc/>
    protected override void Release()
    {
        if (Memory is not null && _cache is not null && !_cache.Return(Length, Memory)) Memory.Dispose();
    }

    ~NativeBuffer() => _cache?.Forget(Length);
}
