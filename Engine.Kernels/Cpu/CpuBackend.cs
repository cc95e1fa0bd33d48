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

    /// <inheritdoc/>
    public DeviceBuffer Allocate(int length) => ReportingOutOfMemory(length, () => new CpuBuffer(this, length));

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
    internal static float[] Data(DeviceBuffer buffer) =>
        buffer is CpuBuffer cpu
            ? cpu.Data
            : throw new ConvEngineException(DeviceErrors.Mismatch(buffer.Backend.Name, "cpu"));

    /// <summary><see cref="Data"/> for an optional buffer.</summary>
    internal static float[]? DataOrNull(DeviceBuffer? buffer) => buffer is null ? null : Data(buffer);
}
