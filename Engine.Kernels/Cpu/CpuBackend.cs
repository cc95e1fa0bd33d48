namespace ConvEngine.Kernels.Cpu;

/// <summary>
/// The managed CPU backend: span kernels, SIMD through System.Numerics.Tensors and Vector512/256,
/// work spread over the cores with Parallel.For. Every call completes before it returns.
/// The op families live in the partial files beside this one (CpuBackend.Conv2d.cs, ...).
/// </summary>
public sealed partial class CpuBackend : IBackend
{
    /// <summary>The process-wide CPU backend.</summary>
    public static CpuBackend Instance { get; } = new();

    private CpuBackend() { }

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public string Description =>
        // The GEMM kernels test the instruction sets directly: .NET leaves Vector512 unaccelerated on some
        // AVX-512 CPUs (e.g. Cascade Lake) where the kernels still use 512-bit FMAs.
        $"managed CPU, {Environment.ProcessorCount} threads, {(System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "SIMD-128")}";

    /// <summary>Threads used for parallel loops.</summary>
    internal static int Threads => Environment.ProcessorCount;

    // Disposed buffers' arrays wait here for the next allocation of the same length, up to a quarter of
    // the memory the GC may use.
    private readonly BufferCache<float[]> _cache = new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <inheritdoc/>
    public DeviceBuffer Allocate(int length) => NewBuffer(length, zeroFill: true);

    /// <inheritdoc/>
    public DeviceBuffer AllocateUninitialized(int length) => NewBuffer(length, zeroFill: false);

    private CpuBuffer NewBuffer(int length, bool zeroFill)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var data = _cache.Take(length);
        if (data is not null)
        {
            if (zeroFill) Array.Clear(data);
            return new CpuBuffer(this, data, _cache);
        }
        try
        {
            // A fresh array is zeroed by the runtime anyway unless asked not to be.
            data = ReportingOutOfMemory(length, () => zeroFill ? new float[length] : GC.AllocateUninitializedArray<float>(length));
        }
        catch
        {
            _cache.Forget(length);
            throw;
        }
        return new CpuBuffer(this, data, _cache);
    }

    /// <inheritdoc/>
    public MemoryStats Memory => _cache.Stats;

    /// <inheritdoc/>
    public void EmptyCache() => _cache.Clear(_ => { });

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> src, DeviceBuffer dst, int dstOffset = 0) =>
        src.CopyTo(Data(dst).AsSpan(dstOffset));

    /// <inheritdoc/>
    public void Download(DeviceBuffer src, int srcOffset, Span<float> dst) =>
        Data(src).AsSpan(srcOffset, dst.Length).CopyTo(dst);

    /// <inheritdoc/>
    public void Synchronize() { }

    /// <inheritdoc/>
    public void Dispose() { }

    /// <summary>The array behind a buffer, checking it belongs to this backend.</summary>
    internal static float[] Data(DeviceBuffer buffer)
    {
        if (buffer is not CpuBuffer cpu)
            throw new ConvEngineException(DeviceErrors.Mismatch(buffer.Backend.Name, "cpu"));
        cpu.ThrowIfReleased();
        return cpu.Data;
    }

    /// <summary><see cref="Data"/> for an optional buffer.</summary>
    internal static float[]? DataOrNull(DeviceBuffer? buffer) => buffer is null ? null : Data(buffer);
}
