namespace ConvEngine.Kernels.Dialect;

/// <summary>
/// What the OpenCL and CUDA backends share: every op family of the contract as launches of the shared kernel
/// dialect (Engine.Kernels/KernelSources), with the same kernels, arguments, launch ranges and tile plans, in the
/// partial files beside this one (DialectBackend.Conv2d.cs, ...). A subclass supplies device memory, transfers,
/// compiling a family's program and queuing a launch on its one in-order queue or stream; so calls return once
/// queued, and only Upload and Download cross to the host.
/// </summary>
public abstract partial class DialectBackend : IBackend
{
    /// <summary>Work-items per work-group of the one-item-per-element kernels.</summary>
    private protected const int LinearGroup = 256;

    private protected DialectBackend() { }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <summary>The device as messages name it: <c>opencl:0 (device name)</c>, <c>cuda:0 (device name)</c>.</summary>
    internal abstract string Where { get; }

    /// <summary>
    /// Whether tiled products stage their operands in local (shared) memory (see tiles.h): on GPUs and accelerators,
    /// not on CPU devices, where the caches do that job and work-group barriers are expensive. Tests switch it to run
    /// both forms on one device.
    /// </summary>
    internal bool LocalTiles { get; set; }

    /// <summary>Compute units (OpenCL) or multiprocessors (CUDA): how many work-groups run at once, roughly.</summary>
    private protected abstract int ParallelUnits { get; }

    // ---- what a subclass provides ------------------------------------------------------------------------------

    /// <summary>A buffer of <paramref name="length"/> floats whose contents are undefined (scratch the caller overwrites).</summary>
    internal abstract DeviceBuffer NewBuffer(int length);

    /// <summary>
    /// Queues <paramref name="kernel"/> of the program of <paramref name="family"/> built with
    /// <paramref name="defines"/> (<c>-D NAME=VALUE</c> pairs, the tile plan) over <paramref name="range"/>.
    /// </summary>
    internal abstract void Launch(string family, string defines, string kernel, NdRange range, params ReadOnlySpan<KernelArg> args);

    /// <summary>Queues dst[offset .. offset + count) = value; the range is already checked and not empty.</summary>
    private protected abstract void FillMemory(DeviceBuffer dst, int offset, int count, float value);

    /// <summary>Queues a copy of count elements between buffers of this device; the ranges are already checked and not empty.</summary>
    private protected abstract void CopyMemory(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int count);

    /// <inheritdoc/>
    public abstract MemoryStats Memory { get; }

    /// <inheritdoc/>
    public abstract void EmptyCache();

    /// <inheritdoc/>
    public abstract void Upload(ReadOnlySpan<float> src, DeviceBuffer dst, int dstOffset = 0);

    /// <inheritdoc/>
    public abstract void Download(DeviceBuffer src, int srcOffset, Span<float> dst);

    /// <inheritdoc/>
    public abstract void Synchronize();

    /// <inheritdoc/>
    public abstract void Dispose();

    // ---- memory ------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public virtual DeviceBuffer Allocate(int length)
    {
        var buffer = NewBuffer(length);
        Fill(buffer, 0, length, 0f);
        return buffer;
    }

    /// <inheritdoc/>
    public DeviceBuffer AllocateUninitialized(int length) => NewBuffer(length);

    // ---- buffer checks -----------------------------------------------------------------------------------------

    /// <summary><paramref name="buffer"/>, checked to be live memory of this device (PyTorch's error when it is another device's).</summary>
    internal DeviceBuffer Own(DeviceBuffer buffer)
    {
        if (!ReferenceEquals(buffer.Backend, this))
            throw new ConvEngineException(DeviceErrors.Mismatch(buffer.Backend.Name, Name));
        buffer.ThrowIfReleased();
        return buffer;
    }

    /// <summary><see cref="Own"/> for an optional buffer.</summary>
    internal DeviceBuffer? OwnOrNull(DeviceBuffer? buffer) => buffer is null ? null : Own(buffer);

    /// <summary>Throws unless elements [offset, offset + count) lie inside <paramref name="buffer"/>.</summary>
    private protected static void CheckRange(DeviceBuffer buffer, int offset, int count)
    {
        if (offset < 0 || count < 0 || (long)offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"elements [{offset}, {(long)offset + count}) are outside a buffer of {buffer.Length}");
    }

    // ---- launch helpers ----------------------------------------------------------------------------------------

    /// <summary>Queues a one-work-item-per-element kernel over n elements (nothing for n = 0).</summary>
    internal void LaunchLinear(string family, string kernel, int n, params ReadOnlySpan<KernelArg> args)
    {
        if (n > 0) Launch(family, "", kernel, NdRange.Linear(n, LinearGroup), args);
    }

    /// <summary>One work-group per output (or softmax row), sized to the axis: a power of two up to 256 (GROUP_MAX in tree.h).</summary>
    private static NdRange RowGroups(int outputs, int axis)
    {
        int size = (int)Math.Min(256, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(axis, 1)));
        return NdRange.Groups((outputs, 1, 1), (size, 1));
    }
}
