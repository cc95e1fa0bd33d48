using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>
/// Owns one device allocation (cuMemAlloc_v2) and frees it on <see cref="SafeHandle.Dispose()"/> or, as a safety net,
/// from the finalizer. Kernels queued on it may still be running, so freeing first waits for the context's work
/// (cuCtxSynchronize); that happens only when the cache is emptied or a buffer was dropped undisposed. The bytes are
/// reported to the GC as memory pressure: tensors drop their buffers without disposing them, so only the pressure
/// makes the GC collect (and free) dead buffers before device memory runs out.
/// </summary>
internal sealed class CudaMemory : SafeHandle
{
    private readonly nint _context;
    private readonly long _bytes;

    /// <summary>Takes ownership of <paramref name="pointer"/>, <paramref name="bytes"/> long, allocated in <paramref name="context"/>.</summary>
    public CudaMemory(ulong pointer, long bytes, nint context) : base(0, ownsHandle: true)
    {
        SetHandle((nint)pointer);
        _context = context;
        _bytes = bytes;
        GC.AddMemoryPressure(bytes);
    }

    /// <summary>The CUdeviceptr; the caller keeps this object alive while it is in use.</summary>
    public ulong Pointer => (ulong)handle;

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        GC.RemoveMemoryPressure(_bytes);
        // No exceptions from here (it may run on the finalizer thread): a failure only leaks the block.
        return CuContext.TryMakeCurrent(_context) == CuResult.Success
            && CuApi.cuCtxSynchronize() == CuResult.Success
            && CuApi.cuMemFree_v2((ulong)handle) == CuResult.Success;
    }
}
