using ConvEngine.Kernels.Cuda.Native;
using ConvEngine.Kernels.Dialect;

namespace ConvEngine.Kernels.Cuda;

/// <summary>
/// The CUDA backend for one NVIDIA device, through the driver API and NVRTC: every contract method runs as kernels of
/// the shared kernel dialect (Engine.Kernels/KernelSources, launched by <see cref="DialectBackend"/>, tiled through
/// shared memory) on one stream of the device's primary context, so calls return once queued and tensors stay in
/// device memory; only <see cref="Upload"/> and <see cref="Download"/> cross to the host. Disposed buffers' memory is
/// cached for the next allocation of the same length, so a training step allocates nothing after the first.
/// Programs compile on first use, to PTX kept in memory and on disk (CudaBackend.Modules.cs). Instances come from
/// <see cref="CudaDiscovery"/> (and <see cref="Accelerators.Probe"/>), one per device, for the life of the process.
/// </summary>
public sealed partial class CudaBackend : DialectBackend
{
    private readonly CudaDeviceInfo _info;
    private readonly object _sync = new();
    private readonly BufferCache<CudaMemory> _cache;
    private nint _context, _stream;
    private bool _disposed;

    internal CudaBackend(int index, CudaDeviceInfo info)
    {
        Index = index;
        _info = info;
        LocalTiles = true;
        // Disposed buffers' allocations wait here for the next allocation of the same length: up to half the device.
        _cache = new BufferCache<CudaMemory>((long)(info.TotalMemory / 2));
    }

    /// <summary>N in <c>cuda:N</c>: the driver's device ordinal.</summary>
    public int Index { get; }

    /// <inheritdoc/>
    public override string Name => $"cuda:{Index}";

    /// <summary>The device's name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</summary>
    public string DeviceName => _info.Name;

    /// <summary>Compute capability as (major, minor), e.g. (9, 0) for Hopper.</summary>
    public (int Major, int Minor) ComputeCapability => (_info.Major, _info.Minor);

    /// <summary>Streaming multiprocessors.</summary>
    public int Multiprocessors => _info.Multiprocessors;

    /// <summary>Device memory in bytes.</summary>
    public ulong TotalMemoryBytes => _info.TotalMemory;

    /// <inheritdoc/>
    private protected override int ParallelUnits => Multiprocessors;

    /// <inheritdoc/>
    public override string Description =>
        $"{DeviceName}, compute capability {_info.Major}.{_info.Minor}, {Multiprocessors} multiprocessors, "
        + $"{TotalMemoryBytes / (double)(1L << 30):0.0} GiB, driver CUDA {CudaDeviceInfo.FormatVersion(_info.DriverVersion)}, "
        + $"NVRTC {NvrtcCompiler.Version.Major}.{NvrtcCompiler.Version.Minor}";

    /// <inheritdoc/>
    internal override string Where => $"{Name} ({DeviceName})";

    // ---- memory ------------------------------------------------------------------------------------------------

    /// <inheritdoc/>
    internal override unsafe CudaBuffer NewBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return new CudaBuffer(this, 0, null, null);
        if (_cache.Take(length) is { } cached) return new CudaBuffer(this, length, cached, _cache);
        long bytes = 4L * length;
        try
        {
            Enter();
            return new CudaBuffer(this, length, new CudaMemory(AllocateDevice(bytes), bytes, _context), _cache);
        }
        catch
        {
            _cache.Forget(length);
            throw;
        }
    }

    /// <summary>
    /// cuMemAlloc_v2 of <paramref name="bytes"/>. When the device is out of memory, frees the cache and collects
    /// garbage (dead tensors' buffers are freed by finalizers), tries once more, and then reports what was asked and
    /// what is free (cuMemGetInfo_v2) in an <see cref="OutOfDeviceMemoryException"/>.
    /// </summary>
    private unsafe ulong AllocateDevice(long bytes)
    {
        ulong pointer;
        int result = CuApi.cuMemAlloc_v2(&pointer, (nuint)bytes);
        if (result == CuResult.OutOfMemory)
        {
            EmptyCache();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Enter(); // the finalizers made the context current on their own thread, not here
            result = CuApi.cuMemAlloc_v2(&pointer, (nuint)bytes);
        }
        if (result == CuResult.OutOfMemory)
        {
            nuint free, total;
            CuCheck.Result(CuApi.cuMemGetInfo_v2(&free, &total), "cuMemGetInfo_v2", Where);
            throw new OutOfDeviceMemoryException(Where, bytes, (long)free, CuCheck.Error(result, "cuMemAlloc_v2", null).Message);
        }
        CuCheck.Result(result, "cuMemAlloc_v2", Where);
        return pointer;
    }

    /// <inheritdoc/>
    public override MemoryStats Memory => _cache.Stats;

    /// <inheritdoc/>
    public override void EmptyCache() => _cache.Clear(memory => memory.Dispose());

    /// <inheritdoc/>
    private protected override void FillMemory(DeviceBuffer dst, int offset, int count, float value)
    {
        Enter();
        CuCheck.Result(CuApi.cuMemsetD32Async(Mem(dst).At(offset), BitConverter.SingleToUInt32Bits(value), (nuint)count, _stream),
            "cuMemsetD32Async", Where);
    }

    /// <inheritdoc/>
    private protected override void CopyMemory(DeviceBuffer src, int srcOffset, DeviceBuffer dst, int dstOffset, int count)
    {
        Enter();
        CuCheck.Result(CuApi.cuMemcpyDtoDAsync_v2(Mem(dst).At(dstOffset), Mem(src).At(srcOffset), (nuint)(4L * count), _stream),
            "cuMemcpyDtoDAsync_v2", Where);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Queued on the stream: from pageable memory the driver copies the span to a staging buffer before returning
    /// (the transfer to the device follows in stream order), so the span is free again when this returns.
    /// </remarks>
    public override unsafe void Upload(ReadOnlySpan<float> src, DeviceBuffer dst, int dstOffset = 0)
    {
        var buffer = Mem(dst);
        CheckRange(buffer, dstOffset, src.Length);
        if (src.IsEmpty) return;
        Enter();
        fixed (float* p = src)
            CuCheck.Result(CuApi.cuMemcpyHtoDAsync_v2(buffer.At(dstOffset), p, (nuint)(4L * src.Length), _stream), "cuMemcpyHtoDAsync_v2", Where);
    }

    /// <inheritdoc/>
    public override unsafe void Download(DeviceBuffer src, int srcOffset, Span<float> dst)
    {
        var buffer = Mem(src);
        CheckRange(buffer, srcOffset, dst.Length);
        if (dst.IsEmpty) return;
        Enter();
        // The copy follows every kernel queued before it on the stream; the span stays pinned until it has landed.
        fixed (float* p = dst)
        {
            CuCheck.Result(CuApi.cuMemcpyDtoHAsync_v2(p, buffer.At(srcOffset), (nuint)(4L * dst.Length), _stream), "cuMemcpyDtoHAsync_v2", Where);
            CuCheck.Result(CuApi.cuStreamSynchronize(_stream), "cuStreamSynchronize", Where);
        }
    }

    /// <inheritdoc/>
    public override void Synchronize()
    {
        Enter();
        CuCheck.Result(CuApi.cuStreamSynchronize(_stream), "cuStreamSynchronize", Where);
    }

    /// <summary>Waits for queued work, then unloads modules, frees the cached memory and the stream, and releases the primary context.</summary>
    public override void Dispose()
    {
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
            if (_stream == 0) return;
            CuContext.MakeCurrent(_context, Where);
            CuApi.cuStreamSynchronize(_stream);
            UnloadModules();
            _cache.Clear(memory => memory.Dispose());
            CuApi.cuStreamDestroy_v2(_stream);
            CuApi.cuDevicePrimaryCtxRelease_v2(_info.Device);
        }
    }

    // ---- context and stream ------------------------------------------------------------------------------------

    /// <summary>
    /// Makes the device's primary context current on this thread, retaining it and creating the stream on first use
    /// (creating a context wakes the GPU, which probing the device list should not).
    /// </summary>
    private unsafe void Enter()
    {
        if (Volatile.Read(ref _stream) == 0)
        {
            lock (_sync)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_stream == 0)
                {
                    nint context, stream;
                    CuCheck.Result(CuApi.cuDevicePrimaryCtxRetain(&context, _info.Device), "cuDevicePrimaryCtxRetain", Where);
                    _context = context;
                    CuContext.MakeCurrent(context, Where);
                    CuCheck.Result(CuApi.cuStreamCreate(&stream, CuApi.StreamNonBlocking), "cuStreamCreate", Where);
                    Volatile.Write(ref _stream, stream); // published last: a thread that sees it sees the context too
                }
            }
        }
        CuContext.MakeCurrent(_context, Where);
    }

    /// <summary>The CUDA buffer behind <paramref name="buffer"/>, checking it belongs to this device.</summary>
    private CudaBuffer Mem(DeviceBuffer buffer) => (CudaBuffer)Own(buffer);
}
