using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>
/// The OpenCL backend for one device: every contract method runs as kernels of the shared kernel dialect
/// (Engine.Kernels/KernelSources) on one in-order command queue, so calls return once queued and tensors stay
/// in device memory; only <see cref="Upload"/> and <see cref="Download"/> cross to the host. The op families
/// live in the partial files beside this one; kernel programs compile on first use (OpenClBackend.Programs.cs).
/// Instances come from <see cref="OpenClDiscovery"/> (and <see cref="Accelerators.Probe"/>), one per device,
/// for the life of the process.
/// </summary>
public sealed partial class OpenClBackend : IBackend
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
    public string Name => $"opencl:{Index}";

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
    public string Description =>
        $"{DeviceName} ({DeviceKind}), {DeviceVersion}, {_info.CVersion}, driver {_info.Driver}, "
        + $"{ComputeUnits} compute units, {GlobalMemoryBytes / (double)(1L << 30):0.0} GiB";

    /// <summary>The device as messages name it: <c>opencl:0 (device name)</c>.</summary>
    internal string Where => $"{Name} ({DeviceName})";

    // ---- memory ------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public DeviceBuffer Allocate(int length)
    {
        var buffer = NewBuffer(length);
        // Drivers may place the memory only when it is first used, so the zero fill can be what runs out.
        RetryingOutOfMemory(4L * length, () => Fill(buffer, 0, length, 0f));
        return buffer;
    }

    /// <inheritdoc/>
    public DeviceBuffer AllocateUninitialized(int length) => NewBuffer(length);

    /// <summary>A buffer of <paramref name="length"/> floats whose contents are undefined (scratch the caller overwrites).</summary>
    internal unsafe OpenClBuffer NewBuffer(int length)
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
            _cache.Untake(length);
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
    public MemoryStats Memory => _cache.Stats;

    /// <inheritdoc/>
    public void EmptyCache() => _cache.Clear(handle => handle.Dispose());

    /// <inheritdoc/>
    public unsafe void Upload(ReadOnlySpan<float> src, DeviceBuffer dst, int dstOffset = 0)
    {
        var buffer = Mem(dst);
        CheckRange(buffer, dstOffset, src.Length);
        if (src.IsEmpty) return;
        // Blocking: the span is only pinned for the duration of the call.
        fixed (float* p = src)
            ClCheck.Status(ClApi.clEnqueueWriteBuffer(Queue, buffer.Handle!.Value, ClApi.True, (nuint)(4L * dstOffset),
                (nuint)(4L * src.Length), p, 0, null, null), "clEnqueueWriteBuffer", Where);
    }

    /// <inheritdoc/>
    public unsafe void Download(DeviceBuffer src, int srcOffset, Span<float> dst)
    {
        var buffer = Mem(src);
        CheckRange(buffer, srcOffset, dst.Length);
        if (dst.IsEmpty) return;
        // Blocking, and the queue is in order: the read waits for every kernel queued before it.
        fixed (float* p = dst)
            ClCheck.Status(ClApi.clEnqueueReadBuffer(Queue, buffer.Handle!.Value, ClApi.True, (nuint)(4L * srcOffset),
                (nuint)(4L * dst.Length), p, 0, null, null), "clEnqueueReadBuffer", Where);
    }

    /// <inheritdoc/>
    public void Synchronize() => ClCheck.Status(ClApi.clFinish(Queue), "clFinish", Where);

    /// <summary>Waits for queued work, then releases kernels, programs, queue and context; the backend is unusable after.</summary>
    public void Dispose()
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
            throw new OutOfDeviceMemoryException(Where, bytes, FreeBytes, $"{e.Function} failed: {e.StatusName}", e);
        }
    }

    /// <inheritdoc cref="RetryingOutOfMemory{T}"/>
    private void RetryingOutOfMemory(long bytes, Action allocate) => RetryingOutOfMemory(bytes, () =>
    {
        allocate();
        return true;
    });

    // CL_MEM_OBJECT_ALLOCATION_FAILURE, CL_OUT_OF_RESOURCES, CL_OUT_OF_HOST_MEMORY
    private static bool IsOutOfMemory(OpenClException e) => e.Status is -4 or -5 or -6;

    /// <summary>The OpenCL buffer behind <paramref name="buffer"/>, checking it belongs to this device.</summary>
    internal OpenClBuffer Mem(DeviceBuffer buffer)
    {
        if (buffer is not OpenClBuffer cl || !ReferenceEquals(cl.Backend, this))
            throw new ConvEngineException(DeviceErrors.Mismatch(buffer.Backend.Name, Name));
        cl.ThrowIfReleased();
        return cl;
    }

    /// <summary><see cref="Mem"/> for an optional buffer.</summary>
    internal OpenClBuffer? MemOrNull(DeviceBuffer? buffer) => buffer is null ? null : Mem(buffer);

    private static void CheckRange(OpenClBuffer buffer, int offset, int count)
    {
        if (offset < 0 || count < 0 || (long)offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"elements [{offset}, {(long)offset + count}) are outside a buffer of {buffer.Length}");
    }
}
