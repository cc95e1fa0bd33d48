using ConvEngine.Kernels.Dialect;
using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>
/// The OpenCL backend for one device: every contract method runs as kernels of the shared kernel dialect
/// (Engine.Kernels/KernelSources, launched by <see cref="DialectBackend"/>) on one in-order command queue, so calls
/// return once queued and tensors stay in device memory; only <see cref="Upload"/> and <see cref="Download"/> cross
/// to the host. Kernel programs compile on first use (OpenClBackend.Programs.cs).
/// Instances come from <see cref="OpenClDiscovery"/> (and <see cref="Accelerators.Probe"/>), one per device,
/// for the life of the process.
/// </summary>
public sealed partial class OpenClBackend : DialectBackend
{
    private readonly OpenClDeviceInfo _info;
    private readonly object _sync = new();
    private ClHandle? _context, _queue;
    // Disposed buffers' cl_mems wait here for the next allocation of the same length: up to half the device.
    private readonly BufferCache<ClHandle> _cache;
    private bool _disposed;

    internal OpenClBackend(int index, OpenClDeviceInfo info)
    {
        Index = index;
        _info = info;
        LocalTiles = info.Kind != "CPU";
        _cache = new BufferCache<ClHandle>((long)(info.GlobalMemory / 2));
    }

    /// <summary>N in <c>opencl:N</c>: the position among the devices of all platforms.</summary>
    public int Index { get; }

    /// <inheritdoc/>
    public override string Name => $"opencl:{Index}";

    /// <summary>CL_DEVICE_NAME.</summary>
    public string DeviceName => _info.Name;

    /// <summary>The name of the platform (driver) the device belongs to.</summary>
    public string PlatformName => _info.PlatformName;

    /// <summary>GPU, CPU, accelerator or custom (CL_DEVICE_TYPE).</summary>
    public string DeviceKind => _info.Kind;

    /// <summary>True for a GPU, which <c>--device auto</c> prefers to the CPU backend.</summary>
    public bool IsGpu => _info.Kind == "GPU";

    /// <summary>CL_DEVICE_VERSION, e.g. <c>OpenCL 3.0 CUDA</c>.</summary>
    public string DeviceVersion => _info.Version;

    /// <summary>CL_DEVICE_MAX_COMPUTE_UNITS.</summary>
    public int ComputeUnits => _info.ComputeUnits;

    /// <summary>CL_DEVICE_GLOBAL_MEM_SIZE in bytes.</summary>
    public ulong GlobalMemoryBytes => _info.GlobalMemory;

    /// <summary>CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer, in bytes.</summary>
    public ulong MaxAllocationBytes => _info.MaxAllocation;

    /// <inheritdoc/>
    private protected override int ParallelUnits => ComputeUnits;

    /// <inheritdoc/>
    public override string Description =>
        $"{DeviceName} ({DeviceKind}), {DeviceVersion}, {_info.CVersion}, driver {_info.Driver}, "
        + $"{ComputeUnits} compute units, {GlobalMemoryBytes / (double)(1L << 30):0.0} GiB";

    /// <inheritdoc/>
    internal override string Where => $"{Name} ({DeviceName})";

    // ---- memory ------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    /// <remarks>Drivers may place the memory only when it is first used, so the zero fill can be what runs out.</remarks>
    public override DeviceBuffer Allocate(int length)
    {
        var buffer = NewBuffer(length);
        RetryingOutOfMemory(4L * length, () => Fill(buffer, 0, length, 0f));
        return buffer;
    }

    /// <inheritdoc/>
    internal override unsafe OpenClBuffer NewBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return new OpenClBuffer(this, 0, null, null);
        long bytes = 4L * length;
        if ((ulong)bytes > MaxAllocationBytes)
            throw new OutOfDeviceMemoryException(Where, bytes, FreeBytes,
                $"the device's largest allocation is {DeviceErrors.FormatBytes((long)MaxAllocationBytes)} ({MaxAllocationBytes} bytes)");
        if (_cache.Take(length) is { } cached) return new OpenClBuffer(this, length, cached, _cache);
        nint context = Context;
        try
        {
            return RetryingOutOfMemory(bytes, () =>
            {
                int status;
                nint mem = ClApi.clCreateBuffer(context, ClApi.MemReadWrite, (nuint)bytes, null, &status);
                ClCheck.Status(status, "clCreateBuffer", Where);
                return new OpenClBuffer(this, length, new ClHandle(mem, ClObject.Mem, bytes), _cache);
            });
        }
        catch
        {
            _cache.Forget(length);
            throw;
        }
    }

    /// <summary>
    /// Device memory neither in live buffers nor in the cache of disposed ones: CL_DEVICE_GLOBAL_MEM_SIZE less
    /// both (OpenCL has no query for free memory; other processes' use is not counted).
    /// </summary>
    internal long FreeBytes
    {
        get
        {
            var stats = _cache.Stats;
            return (long)GlobalMemoryBytes - stats.BytesInUse - stats.BytesCached;
        }
    }

    /// <inheritdoc/>
    public override MemoryStats Memory => _cache.Stats;

    /// <inheritdoc/>
    public override void EmptyCache() => _cache.Clear(handle => handle.Dispose());

    /// <inheritdoc/>
    private protected override unsafe void FillMemory(DeviceBuffer dst, int offset, int count, float value) =>
        ClCheck.Status(ClApi.clEnqueueFillBuffer(Queue, Mem(dst).Memory!.Value, &value, sizeof(float), (nuint)(4L * offset),
            (nuint)(4L * count), 0, null, null), "clEnqueueFillBuffer", Where);

    /// <inheritdoc/>
    private protected override unsafe void CopyMemory(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int count) =>
        ClCheck.Status(ClApi.clEnqueueCopyBuffer(Queue, Mem(src).Memory!.Value, Mem(dst).Memory!.Value, (nuint)(4L * srcOffset),
            (nuint)(4L * dstOffset), (nuint)(4L * count), 0, null, null), "clEnqueueCopyBuffer", Where);

    /// <inheritdoc/>
    public override unsafe void Upload(ReadOnlySpan<float> src, DeviceBuffer dst, int dstOffset = 0)
    {
        var buffer = Mem(dst);
        CheckRange(buffer, dstOffset, src.Length);
        if (src.IsEmpty) return;
        // Blocking: the span is only pinned for the duration of the call.
        fixed (float* p = src)
            ClCheck.Status(ClApi.clEnqueueWriteBuffer(Queue, buffer.Memory!.Value, ClApi.True, (nuint)(4L * dstOffset),
                (nuint)(4L * src.Length), p, 0, null, null), "clEnqueueWriteBuffer", Where);
    }

    /// <inheritdoc/>
    public override unsafe void Download(DeviceBuffer src, int srcOffset, Span<float> dst)
    {
        var buffer = Mem(src);
        CheckRange(buffer, srcOffset, dst.Length);
        if (dst.IsEmpty) return;
        // Blocking, and the queue is in order: the read waits for every kernel queued before it.
        fixed (float* p = dst)
            ClCheck.Status(ClApi.clEnqueueReadBuffer(Queue, buffer.Memory!.Value, ClApi.True, (nuint)(4L * srcOffset),
                (nuint)(4L * dst.Length), p, 0, null, null), "clEnqueueReadBuffer", Where);
    }

    /// <inheritdoc/>
    public override void Synchronize() => ClCheck.Status(ClApi.clFinish(Queue), "clFinish", Where);

    /// <summary>Waits for queued work, then releases kernels, programs, queue and context; the backend is unusable after.</summary>
    public override void Dispose()
    {
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
            if (_queue is not null) ClApi.clFinish(_queue.Value);
            ReleasePrograms();
            _queue?.Dispose();
            _context?.Dispose();
        }
    }

    // ---- context, queue and buffer checks ----------------------------------------------------------------------

    /// <summary>The context, created on first use (creating one wakes a GPU, which probing the device list should not).</summary>
    private nint Context
    {
        get
        {
            EnsureQueue();
            return _context!.Value;
        }
    }

    /// <summary>The in-order command queue every call of this backend goes through.</summary>
    private nint Queue
    {
        get
        {
            EnsureQueue();
            return _queue!.Value;
        }
    }

    private unsafe void EnsureQueue()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_queue is not null) return;
            const nint ContextPlatform = 0x1084; // CL_CONTEXT_PLATFORM
            nint* properties = stackalloc nint[] { ContextPlatform, _info.Platform, 0 };
            nint device = _info.Device;
            int status;
            nint context = ClApi.clCreateContext(properties, 1, &device, 0, 0, &status);
            ClCheck.Status(status, "clCreateContext", Where);
            _context = new ClHandle(context, ClObject.Context);
            nint queue = ClApi.clCreateCommandQueue(context, device, 0, &status);
            ClCheck.Status(status, "clCreateCommandQueue", Where);
            _queue = new ClHandle(queue, ClObject.CommandQueue);
        }
    }

    /// <summary>
    /// Runs <paramref name="allocate"/> for <paramref name="bytes"/> of device memory; when the device reports itself
    /// out of memory, frees the cache of disposed buffers, collects garbage (dead tensors' buffers are released by
    /// finalizers) and tries once more, then
    /// reports an <see cref="OutOfDeviceMemoryException"/> naming the call that failed.
    /// </summary>
    private T RetryingOutOfMemory<T>(long bytes, Func<T> allocate)
    {
        try
        {
            return allocate();
        }
        catch (OpenClException e) when (IsOutOfMemory(e))
        {
            EmptyCache();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        try
        {
            return allocate();
        }
        catch (OpenClException e) when (IsOutOfMemory(e))
        {
            throw new OutOfDeviceMemoryException(Where, bytes, FreeBytes, $"{e.Function} failed: {e.CodeName}", e);
        }
    }

    /// <inheritdoc cref="RetryingOutOfMemory{T}"/>
    private void RetryingOutOfMemory(long bytes, Action allocate) => RetryingOutOfMemory(bytes, () =>
    {
        allocate();
        return true;
    });

    // CL_MEM_OBJECT_ALLOCATION_FAILURE, CL_OUT_OF_RESOURCES, CL_OUT_OF_HOST_MEMORY
    private static bool IsOutOfMemory(OpenClException e) => e.Code is -4 or -5 or -6;

    /// <summary>The OpenCL buffer behind <paramref name="buffer"/>, checking it belongs to this device.</summary>
    private OpenClBuffer Mem(DeviceBuffer buffer) => (OpenClBuffer)Own(buffer);
}
