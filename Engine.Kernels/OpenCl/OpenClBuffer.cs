using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>
/// Device memory of an <see cref="OpenClBackend"/>: a cl_mem of <see cref="DeviceBuffer.Length"/> floats.
/// Disposal returns the cl_mem to the backend's cache (reuse goes through the same in-order queue, so commands
/// already queued on it finish first); a buffer dropped without disposal is released by its handle's
/// finalizer, and its own finalizer corrects the accounting.
/// </summary>
internal sealed class OpenClBuffer : DeviceBuffer
{
    private readonly BufferCache<ClHandle>? _cache;

    /// <summary>Wraps <paramref name="handle"/> from <paramref name="cache"/>'s accounting, or no memory at all for an empty buffer.</summary>
    public OpenClBuffer(OpenClBackend backend, int length, ClHandle? handle, BufferCache<ClHandle>? cache) : base(backend, length)
    {
        Handle = handle;
        _cache = cache;
        if (cache is null) GC.SuppressFinalize(this);
    }

    /// <summary>The cl_mem; null when <see cref="DeviceBuffer.Length"/> is 0 (OpenCL has no empty buffers).</summary>
    public ClHandle? Handle { get; }

    /// <inheritdoc/>
    protected override void Release()
    {
        if (Handle is not null && _cache is not null && !_cache.Return(Length, Handle)) Handle.Dispose();
    }

    ~OpenClBuffer() => _cache?.Forget(Length);
}
