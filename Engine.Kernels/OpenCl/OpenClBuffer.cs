using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>
/// Device memory of an <see cref="OpenClBackend"/>: a cl_mem of <see cref="DeviceBuffer.Length"/> floats, released
/// by <see cref="Dispose"/> or, for buffers dropped without it (as tensors drop theirs), by its handle's
/// finalizer. OpenCL keeps the memory alive until commands already queued on it have finished.
/// </summary>
internal sealed class OpenClBuffer : DeviceBuffer
{
    /// <summary>Wraps <paramref name="handle"/>, or no memory at all for an empty buffer.</summary>
    public OpenClBuffer(OpenClBackend backend, int length, ClHandle? handle) : base(backend, length) => Handle = handle;

    /// <summary>The cl_mem; null when <see cref="DeviceBuffer.Length"/> is 0 (OpenCL has no empty buffers).</summary>
    public ClHandle? Handle { get; }

    /// <inheritdoc/>
    public override void Dispose() => Handle?.Dispose();
}
