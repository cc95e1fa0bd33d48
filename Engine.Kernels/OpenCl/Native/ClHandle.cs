using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.OpenCl.Native;

/// <summary>The kinds of reference-counted OpenCL object, each with its own release call.</summary>
internal enum ClObject
{
    Context,
    CommandQueue,
    Mem,
    Program,
    Kernel,
}

/// <summary>
/// Owns one reference to an OpenCL object and releases it on <see cref="SafeHandle.Dispose()"/> or, as a safety
/// net, from the finalizer. A buffer's handle also reports its bytes to the GC as memory pressure: tensors drop
/// their buffers without disposing them, so only the pressure makes the GC collect (and release) dead buffers
/// before device memory runs out.
/// </summary>
internal sealed class ClHandle : SafeHandle
{
    private readonly ClObject _kind;
    private readonly long _bytes;
    private readonly Action? _released;

    /// <summary>Takes ownership of <paramref name="handle"/>, which must be valid.</summary>
    /// <param name="handle">the object, as returned by its clCreate* call</param>
    /// <param name="kind">which clRelease* frees it</param>
    /// <param name="bytes">for buffers, their size (reported to the GC as memory pressure); else 0</param>
    /// <param name="released">called once the object is released (a buffer's backend counts the bytes it holds)</param>
    public ClHandle(nint handle, ClObject kind, long bytes = 0, Action? released = null) : base(0, ownsHandle: true)
    {
        SetHandle(handle);
        _kind = kind;
        _bytes = bytes;
        _released = released;
        if (bytes > 0) GC.AddMemoryPressure(bytes);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>The raw handle; the caller keeps this object alive while the handle is in use.</summary>
    public nint Value => handle;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        if (_bytes > 0) GC.RemoveMemoryPressure(_bytes);
        int status = _kind switch
        {
            ClObject.Context => ClApi.clReleaseContext(handle),
            ClObject.CommandQueue => ClApi.clReleaseCommandQueue(handle),
            ClObject.Mem => ClApi.clReleaseMemObject(handle),
            ClObject.Program => ClApi.clReleaseProgram(handle),
            _ => ClApi.clReleaseKernel(handle),
        };
        _released?.Invoke();
        return status == ClStatus.Success;
    }
}
